"""The life-cycle stages the home page is organised by. Later sections link in through `links`."""

LIFE_STAGES = [
    {
        "key": "youth",
        "title": "청년·결혼",
        "summary": "결혼과 출산을 준비하는 분께: 난임 지원, 신혼부부 지원, 건강검진",
        "links": [("지원사업 찾기", "/benefits/?stage=youth")],
    },
    {
        "key": "pregnancy",
        "title": "임신·출산",
        "summary": "임신·출산 진료비, 첫만남이용권, 산모·신생아 건강관리, 출산축하금",
        "links": [("지원사업 찾기", "/benefits/?stage=pregnancy"), ("우리 가족 지원 확인", "/benefits/check/")],
    },
    {
        "key": "infant",
        "title": "영유아",
        "summary": "부모급여, 아동수당, 보육료, 어린이집과 시간제 보육, 야간·휴일 돌봄",
        "links": [("돌봄지도", "/map/"), ("지원사업 찾기", "/benefits/?stage=infant")],
    },
    {
        "key": "school",
        "title": "초등",
        "summary": "다함께돌봄센터, 지역아동센터, 우리동네키움센터, 긴급돌봄과 방문돌봄",
        "links": [("돌봄지도", "/map/"), ("지원사업 찾기", "/benefits/?stage=school")],
    },
    {
        "key": "worklife",
        "title": "일·생활균형",
        "summary": "육아휴직급여, 아이돌봄서비스, 공동육아나눔터",
        "links": [("지원사업 찾기", "/benefits/?stage=worklife")],
    },
]
