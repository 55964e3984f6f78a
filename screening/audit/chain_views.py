"""The heads of the audit trail's hash chain, for site administrators: the hash a person
can note, print or compare with the anchor file, so that a chain rebuilt later by
someone with the database's keys does not match what was shown (docs/audit-trail.md).

Not a site's page: the chain is one per database. Reads the last link of each stream
(one query) and the last anchor of the anchor file, when this server can read it."""

from django.db import connection
from django.shortcuts import render
from django.views.decorators.http import require_GET

from ..access.permissions import permission_required
from . import verification
from .protection import protected_models


@permission_required("screening.view_audit_chain")
@require_GET
def audit_chain(request):
    context = {"available": connection.vendor == "postgresql", "streams": [], "anchor": None, "anchor_error": ""}
    if context["available"]:
        # Every protected table exists once migrated: no introspection query for the page.
        models = {m._meta.db_table: m for m in protected_models()}
        heads = verification.heads(tables=models)
        anchor = None
        try:
            anchors = verification.read_anchors(database=connection.settings_dict["NAME"])
            anchor = anchors[-1] if anchors else None
        except (ValueError, OSError) as error:
            context["anchor_error"] = str(error)
        now_at_anchor = verification.anchored_links(anchor) if anchor else {}
        for table, model in sorted(models.items()):
            seq, hash_, at = heads.get(table, (0, "", None))
            anchored = anchor["heads"].get(table) if anchor else None
            context["streams"].append({
                "table": table, "label": verification.label(model), "seq": seq, "hash": hash_, "at": at,
                "anchored": anchored,
                "anchor_holds": anchored is None or now_at_anchor.get(table) == anchored["hash"],
            })
        context["anchor"] = anchor
        context["anchor_path"] = verification.anchor_path()
    return render(request, "screening/audit/chain.html", context)
