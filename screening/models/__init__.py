from .access_log import AccessEvent
from .audit import EligibilityAccess, EligibilityStatusChange
from .chain import ChainLink
from .datamanagement import FreezeEvent, Query, QueryStep, SdvMark
from .exports import AuditExport
from .identity import AccountVersion, UsernameClaim
from .imports import ImportFile, ImportLine, ImportRun
from .preferences import UserLanguage
from .records import CrfModel, ScreeningRecord
from .rows import (
    BvasItem,
    LabResult,
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
    "AccessEvent", "AccountVersion", "UsernameClaim",
    "AuditExport", "ImportFile", "ImportLine", "ImportRun",
    "ChainLink", "FreezeEvent", "Query", "QueryStep", "SdvMark",
    "AavSection", "EligibilityAccess", "EligibilityStatusChange", "BvasItem", "CrfModel", "IimSection", "InfectionScreen", "Judgement",
    "LabResult", "MedicalHistory", "Medication", "MrssAssessment", "OrganFunction",
    "PriorEvent", "PulmonaryFunctionTest", "PulmonaryPressureReading", "ROLES", "Reproductive", "ScreeningRecord",
    "Site", "SiteMembership", "UserLanguage", "SleSection", "SscSection", "EligibilityState", "Signature", "SignatureAttempt",
]
