"""Imports every domain's models so the metadata (create_all, Alembic) sees all tables."""
from server.audit.models import AuditEntry  # noqa: F401
from server.auth.models import LoginFailure, PasswordResetToken, RevokedToken, User  # noqa: F401
from server.care.models import CarePackage, Outcome, VisitPattern  # noqa: F401
from server.commissioning.models import OfferTurn, PackageOffer, RiskThresholds, Zone, ZoneProvider  # noqa: F401
from server.directory.models import Client, Contract, Council, FamilyLink, Provider, Worker  # noqa: F401
from server.feed.models import ApiClient, ExternalRef  # noqa: F401
from server.feedback.models import FamilyMessage, VisitFeedback  # noqa: F401
from server.medication.models import DoseRecord, Medication, MedicationVersion  # noqa: F401
from server.monitoring.models import Alert, SchedulerLock  # noqa: F401
from server.notify.models import Notification, PushSubscription, VapidKey  # noqa: F401
from server.outcomes.models import OutcomeReview  # noqa: F401
from server.payments.models import ContingencyGrant, Invoice, InvoiceLine, PaymentPeriod, PaymentSnapshot  # noqa: F401
from server.planner.models import Plan  # noqa: F401
from server.reports import changes  # noqa: F401  (the session event that keeps the stored KPI days current)
from server.reports.models import (  # noqa: F401
    ReportAttendanceDay,
    ReportChange,
    ReportClientDay,
    ReportDay,
    ReportDayCount,
)
from server.sms.models import InboundSms  # noqa: F401
from server.tags.models import ClientTag  # noqa: F401
from server.visits.models import (  # noqa: F401
    NonContactActivity,
    OutcomeProgress,
    Visit,
    VisitAssignment,
    VisitConfirmation,
    VisitCorrection,
    VisitEvent,
    VisitException,
)
from server.webhooks.models import Webhook, WebhookDelivery  # noqa: F401
