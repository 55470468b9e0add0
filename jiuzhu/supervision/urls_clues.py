from django.urls import path

from . import views_clues as views
from . import views_rectification as ledger
from . import views_typical as typical

app_name = "clues"
urlpatterns = [
    path("", views.clue_list, name="list"),
    path("export/", views.clue_export, name="export"),
    path("new/", views.clue_new, name="new"),
    path("<int:pk>/", views.clue_detail, name="detail"),
    path("<int:pk>/step/<str:step>/", views.clue_step, name="step"),
    path("<int:pk>/reply-letter/", views.clue_reply_print, name="reply_print"),
    # 整改台账 (the rectification ledger)
    path("ledger/", ledger.item_list, name="ledger"),
    path("ledger/summary/", ledger.item_summary, name="ledger_summary"),
    path("ledger/export/", ledger.item_export, name="ledger_export"),
    path("ledger/new/", ledger.item_new, name="ledger_new"),
    path("ledger/<int:pk>/", ledger.item_detail, name="ledger_detail"),
    path("ledger/<int:pk>/step/<str:step>/", ledger.item_step, name="ledger_step"),
    path("ledger/attachment/<int:pk>/", ledger.item_attachment, name="ledger_attachment"),
    # 典型案例月报 (the monthly typical-case report)
    path("typical/", typical.typical_page, name="typical"),
    path("typical/add/", typical.typical_add, name="typical_add"),
    path("typical/<int:pk>/remove/", typical.typical_remove, name="typical_remove"),
    path("typical/submit/", typical.typical_submit, name="typical_submit"),
    path("typical/export/", typical.typical_export, name="typical_export"),
    path("typical/text/", typical.typical_text, name="typical_text"),
]
