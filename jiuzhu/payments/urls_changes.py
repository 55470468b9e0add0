"""URLs of the payment cycle: changes (异动) and re-pricing (提标调整)."""

from django.urls import path

from . import views_changes as v

urlpatterns: list = [
    path("changes/", v.change_list, name="change_list"),
    path("changes/new/<int:enrolment_id>/", v.change_new, name="change_new"),
    path("changes/<int:change_id>/", v.change_detail, name="change_detail"),
    path(
        "changes/<int:change_id>/approve/",
        v.change_review,
        {"decision": "approve"},
        name="change_approve",
    ),
    path(
        "changes/<int:change_id>/return/",
        v.change_review,
        {"decision": "return"},
        name="change_return",
    ),
    path("changes/<int:change_id>/print/", v.change_print, name="change_print"),
    path("adjustments/", v.adjustment_list, name="adjustment_list"),
    path("adjustments/<int:adjustment_id>/", v.adjustment_detail, name="adjustment_detail"),
    path(
        "adjustments/<int:adjustment_id>/apply/",
        v.adjustment_apply,
        name="adjustment_apply",
    ),
    path(
        "adjustments/<int:adjustment_id>/export/",
        v.adjustment_export,
        name="adjustment_export",
    ),
]
