import csv
import json

from django.core.management.base import BaseCommand, CommandError

from screening.checklist.evaluation import evaluate_record
from screening.exchange.format import FORMAT, ROW_MODELS, data_management, record_data
from screening.models import ScreeningRecord, Site


def signature_state(record):
    return [
        {
            "checkpoint": s.checkpoint, "meaning": s.meaning, "signer": s.printed_name,
            "signed_at": s.signed_at.isoformat(), "valid": s.valid, "snapshot_hash": s.snapshot_hash,
        }
        for s in record.signatures.all()
    ]


def export_record(record):
    result = evaluate_record(record)
    data = record_data(record)
    data["eligibility"] = {
        "overall": result.overall,
        "snapshot_hash": result.digest,
        "results": [
            {"id": r.id, "status": r.status.value, "reason": r.reason}
            for r in result.evaluation.results
        ],
    }
    data["signatures"] = signature_state(record)
    data["queries"], data["sdv"] = data_management(record)
    return data


class Command(BaseCommand):
    help = "Export a site's screening records with eligibility and signature state (JSON or CSV)."

    def add_arguments(self, parser):
        parser.add_argument("--site", required=True)
        parser.add_argument("--format", choices=["json", "csv"], default="json")

    def handle(self, *args, site, format, **options):
        try:
            site_obj = Site.objects.get(code=site)
        except Site.DoesNotExist:
            raise CommandError(f"No site {site}.")
        records = ScreeningRecord.objects.filter(site=site_obj).select_related("site").order_by("screening_number")
        exported = [export_record(r) for r in records]
        if format == "json":
            self.stdout.write(json.dumps({"format": FORMAT, "records": exported}, indent=2, ensure_ascii=False))
            return
        self._write_csv(exported)

    def _write_csv(self, exported):
        """One row per record: record fields, section fields as section.field, rows as JSON, then eligibility."""
        rows, columns = [], {}
        for data in exported:
            row = {"screening_number": data["screening_number"], "site": data["site"]}
            row.update({f"record.{k}": v for k, v in data["record"].items()})
            for key, values in data["sections"].items():
                for name, value in values.items():
                    row[f"{key}.{name}"] = value["value"] if isinstance(value, dict) else value
            for key in ROW_MODELS:
                row[key] = json.dumps(data[key], ensure_ascii=False)
            row["overall"] = data["eligibility"]["overall"]
            for criterion in data["eligibility"]["results"]:
                row[criterion["id"]] = criterion["status"]
            row["signatures"] = json.dumps(data["signatures"], ensure_ascii=False)
            row["queries"] = json.dumps(data["queries"], ensure_ascii=False)
            row["sdv"] = json.dumps(data["sdv"], ensure_ascii=False)
            rows.append(row)
            columns.update(dict.fromkeys(row))
        writer = csv.DictWriter(self.stdout, fieldnames=list(columns))
        writer.writeheader()
        writer.writerows(rows)
