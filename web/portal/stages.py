"""The life-cycle stages the home page is organised by. Later sections link in through `links`."""

from django.utils.translation import gettext_lazy as _

LIFE_STAGES = [
    {
        "key": "youth",
        "title": _("청년·결혼"),
        "summary": _("결혼과 출산을 준비하는 분께: 난임 지원, 신혼부부 지원, 건강검진"),
        "links": [(_("지원사업 찾기"), "/benefits/?stage=youth")],
    },
    {
        "key": "pregnancy",
        "title": _("임신·출산"),
        "summary": _("임신·출산 진료비, 첫만남이용권, 산모·신생아 건강관리, 출산축하금"),
        "links": [(_("지원사업 찾기"), "/benefits/?stage=pregnancy"), (_("우리 가족 지원 확인"), "/benefits/check/")],
    },
    {
        "key": "infant",
        "title": _("영유아"),
        "summary": _("부모급여, 아동수당, 보육료, 어린이집과 시간제 보육, 야간·휴일 돌봄"),
        "links": [(_("돌봄지도"), "/map/"), (_("지원사업 찾기"), "/benefits/?stage=infant")],
    },
    {
        "key": "school",
        "title": _("초등"),
        "summary": _("다함께돌봄센터, 지역아동센터, 우리동네키움센터, 긴급돌봄과 방문돌봄"),
        "links": [(_("돌봄지도"), "/map/"), (_("지원사업 찾기"), "/benefits/?stage=school")],
    },
    {
        "key": "worklife",
        "title": _("일·생활균형"),
        "summary": _("육아휴직급여, 아이돌봄서비스, 공동육아나눔터"),
        "links": [(_("지원사업 찾기"), "/benefits/?stage=worklife")],
    },
]
