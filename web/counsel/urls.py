from django.urls import path

from . import views

app_name = "counsel"

urlpatterns = [
    # citizens and visitors
    path("my/inquiries/", views.my_inquiries, name="my_inquiries"),
    path("my/inquiries/<int:inquiry_id>/", views.my_inquiry, name="my_inquiry"),
    path("my/inquiries/<int:inquiry_id>/close/", views.my_inquiry_close, name="my_inquiry_close"),
    path("ask/", views.ask, name="ask"),
    path("faq/", views.faq, name="faq"),
    # agents
    path("counsel/", views.workspace, name="workspace"),
    path("counsel/calls/new/", views.call_new, name="call_new"),
    path("counsel/knowledge/", views.knowledge, name="knowledge"),
    path("counsel/cases/<int:case_id>/", views.case_page, name="case"),
    path("counsel/cases/<int:case_id>/calls/", views.call_add, name="call_add"),
    path("counsel/cases/<int:case_id>/callbacks/", views.callback_schedule, name="callback_schedule"),
    path("counsel/cases/<int:case_id>/referrals/", views.referral_add, name="referral_add"),
    path("counsel/cases/<int:case_id>/act/benefits/", views.act_benefits, name="act_benefits"),
    path("counsel/cases/<int:case_id>/act/booking/", views.act_booking, name="act_booking"),
    path("counsel/cases/<int:case_id>/act/facilities/", views.act_facilities, name="act_facilities"),
    path("counsel/cases/<int:case_id>/act/home-visit/", views.act_home_visit, name="act_home_visit"),
    path("counsel/cases/<int:case_id>/close/", views.case_close, name="case_close"),
    path("counsel/cases/<int:case_id>/assign/", views.case_assign, name="case_assign"),
    path("counsel/inquiries/<int:inquiry_id>/assign/", views.inquiry_assign, name="inquiry_assign"),
    path("counsel/inquiries/<int:inquiry_id>/reply/", views.inquiry_reply, name="inquiry_reply"),
    path("counsel/callbacks/<int:callback_id>/take/", views.callback_take, name="callback_take"),
    path("counsel/callbacks/<int:callback_id>/complete/", views.callback_complete, name="callback_complete"),
    path("counsel/referrals/<int:referral_id>/status/", views.referral_status, name="referral_status"),
]
