from .access_log import AccessEvent
from .audit import EligibilityAccess, EligibilityStatusChange
from .chain import ChainLink
from .datamanagement import FreezeEvent, Query, QueryStep, SdvMark
from .exports import AuditExport
from .identity import AccountVersion, UsernameClaim
from .imports import ImportFile, ImportLine, ImportRun
from .passwords import PasswordRecord
from .preferences import UserLanguage
from .records import CrfModel, ScreeningRecord
from .rows import (
    BvasItem,
    CellTherapy,
    HbvDnaTest,
    LabResult,
    Malignancy,
    Medication,
    MrssAssessment,
    PriorEvent,
    PulmonaryFunctionTest,
    PulmonaryPressureReading,
)
from .sections import (
    AavSection,
    IimSection,
    InfectionScreen,
    Judgement,
    MedicalHistory,
    OrganFunction,
    Reproductive,
    SleSection,
    SscSection,
)
from .signatures import EligibilityState, Signature, SignatureAttempt
from .sites import ROLES, Site, SiteMembership

__all__ = [
    "AccessEvent", "AccountVersion", "UsernameClaim", "PasswordRecord",
    "AuditExport", "ImportFile", "ImportLine", "ImportRun",
    "ChainLink", "FreezeEvent", "Query", "QueryStep", "SdvMark",
    "AavSection", "EligibilityAccess", "EligibilityStatusChange", "BvasItem", "CrfModel", "IimSection", "InfectionScreen", "Judgement",
    "LabResult", "MedicalHistory", "Medication", "MrssAssessment", "OrganFunction",
    "PriorEvent", "PulmonaryFunctionTest", "PulmonaryPressureReading", "ROLES", "Reproductive", "ScreeningRecord",
    "Site", "SiteMembership", "UserLanguage", "SleSection", "SscSection", "EligibilityState", "Signature",
    "SignatureAttempt", "Malignancy", "HbvDnaTest", "CellTherapy",
]


def _name_unnamed_fields():
    """CRF fields declared without a verbose_name read theirs from their name ("dose unit"),
    which no catalogue holds. Their words are given here, set on the field as Django would
    have (not passed to it: the migrations, which read the original argument, do not change)."""
    from django.utils.translation import gettext_lazy as _

    labels = {
        ScreeningRecord: {"site": _("site"), "sex": _("sex"), "status": _("status"), "comment": _("comment")},
        Medication: {"drug": _("drug"), "dose": _("dose"), "dose_unit": _("dose unit"), "route": _("route"),
                     "frequency": _("frequency"), "ongoing": _("ongoing"), "purpose": _("purpose"),
                     "outcome": _("outcome")},
        LabResult: {"analyte": _("analyte"), "value": _("value"), "unit": _("unit")},
        PriorEvent: {"kind": _("kind"), "description": _("description")},
    }
    for model, fields in labels.items():
        history = getattr(model, "history", None)
        for target in (model, history.model if history is not None else None):
            if target is None:
                continue
            for name, label in fields.items():
                field = target._meta.get_field(name)
                if field._verbose_name is None:
                    field.verbose_name = label


_name_unnamed_fields()
