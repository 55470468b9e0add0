"""URLs of the payment cycle: recoveries, deaths, reviews, referrals and exit notices."""

from django.urls import path

from . import views_recoveries as views

urlpatterns: list = [
    path("recoveries/", views.recovery_list, name="recovery_list"),
    path("recoveries/<int:pk>/", views.recovery_detail, name="recovery_detail"),
    path("recoveries/<int:pk>/pay/", views.recovery_pay, name="recovery_pay"),
    path("recoveries/<int:pk>/write-off/", views.recovery_write_off, name="recovery_write_off"),
    path("reviews/", views.review_queue, name="review_queue"),
    path("reviews/<int:enrolment_id>/done/", views.review_done, name="review_done"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<int:pk>/done/", views.referral_done, name="referral_done"),
    path("deaths/new/<int:person_id>/", views.death_new, name="recovery_death_new"),
    path("exits/<int:change_id>/notice/", views.stop_notice, name="exit_notice"),
]
