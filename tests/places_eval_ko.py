"""Place extraction evaluated on Korean, Japanese and Chinese sentences written for this purpose.

Each case is a sentence in KCNA's style and the canonical places it must
yield (datelines are stripped first, as at ingest). ``python
tests/places_eval_ko.py`` prints precision and recall; ``tests/test_scripts.py``
asserts both are >= 95%.
"""

from __future__ import annotations

KO_CASES: list[tuple[str, set[str]]] = [
    # name + unit, with particles and endings
    ("강원도 김화군에서 지방공업공장들이 준공되였다.", {"Kangwon Province", "Kimhwa County"}),
    ("김화군의 농장원들이 모내기를 시작하였다.", {"Kimhwa County"}),
    ("새 살림집들이 김화군에 일떠섰다.", {"Kimhwa County"}),
    ("김화군과 철원군에 큰물피해가 났다.", {"Kimhwa County", "Cholwon County"}),
    ("함경북도 경성군에 신발공장이 새로 건설되였다.", {"North Hamgyong Province", "Kyongsong County"}),
    ("평안남도 성천군의 협동농장들에서 밀수확이 끝났다.", {"South Phyongan Province", "Songchon County"}),
    ("황해남도 재령군에서 과수농사가 잘되였다.", {"South Hwanghae Province", "Jaeryong County"}),
    ("자강도 강계시와 희천시의 공장들이 생산을 늘이였다.", {"Jagang Province", "Kanggye City", "Huichon City"}),
    ("량강도 삼수군의 발전소가 완공되였다.", {"Ryanggang Province", "Samsu County"}),
    ("평안북도 신의주시에서 체육경기가 진행되였다.", {"North Phyongan Province", "Sinuiju City"}),
    (
        "함경남도 함흥시 흥남구역의 비료공장이 개건되였다.",
        {"South Hamgyong Province", "Hamhung City", "Hungnam District"},
    ),
    ("남포특별시 온천군에 휴양소가 생겼다.", {"Nampho City", "Onchon County"}),
    ("라선특별시에 외국손님들이 찾아왔다.", {"Rason City"}),
    ("개성특별시 장풍군에서 인삼을 거두었다.", {"Kaesong City", "Jangphung County"}),
    ("황해북도 은파군의 농장원들이 새집들이를 하였다.", {"North Hwanghae Province", "Unpha County"}),
    ("평양시 만경대구역에 체육공원이 개장되였다.", {"Pyongyang", "Mangyongdae District"}),
    ("평양의 화성구역에 1만세대 살림집이 건설되였다.", {"Pyongyang", "Hwasong District"}),
    ("모란봉구역에서는 거리를 새로 꾸리였다.", {"Moranbong District"}),
    ("중구역의 상점들이 새로 문을 열었다.", {"Central District"}),
    ("청진시 청암구역의 수산사업소에서 물고기를 많이 잡았다.", {"Chongjin City", "Chongam District"}),
    ("남포의 항구구역에서 배들이 떠났다.", {"Nampho City", "Hanggu District"}),
    ("금호지구에 새 마을이 생겼다.", {"Kumho District"}),
    ("청진시 수남구역과 송평구역에서 도로를 보수하였다.", {"Chongjin City", "Sunam District", "Songphyong District"}),
    ("삼지연시는 산간문화도시의 본보기이다.", {"Samjiyon City"}),
    ("삼지연군의 옛 모습을 담은 사진전이 열렸다.", {"Samjiyon City"}),
    ("라선특별시 선봉구역에 새 학교가 섰다.", {"Rason City", "Sonbong District"}),
    # compounds: a place name begins a longer word
    ("김화군당위원회 일군들이 현지에 나갔다.", {"Kimhwa County"}),
    ("강원도당위원회 전원회의가 열렸다.", {"Kangwon Province"}),
    ("평양종합병원이 완공되였다.", {"Pyongyang"}),
    ("평안남도인민위원회는 계획을 발표하였다.", {"South Phyongan Province"}),
    ("강원도김화군 농장원들이 모였다.", {"Kangwon Province", "Kimhwa County"}),
    # bare names: the capital and cities that are no common word
    ("평양에서 새해경축공연이 진행되였다.", {"Pyongyang"}),
    ("평양은 오늘도 아름답다.", {"Pyongyang"}),
    ("함흥의 공장들에서 생산이 장성하였다.", {"Hamhung City"}),
    ("원산에서는 해수욕장을 꾸리고있다.", {"Wonsan City"}),
    ("청진으로 가는 렬차가 떠났다.", {"Chongjin City"}),
    ("혜산과 삼수를 잇는 도로가 개통되였다.", {"Hyesan City"}),
    ("신의주에 새 온실농장이 섰다.", {"Sinuiju City"}),
    ("사리원의 거리가 새 모습으로 변하였다.", {"Sariwon City"}),
    ("강계에서는 로동자들이 새 기계를 만들었다.", {"Kanggye City"}),
    ("남포에서 배 진수식이 있었다.", {"Nampho City"}),
    # ROK spelling
    ("양강도 혜산시의 여성들이 모였다.", {"Ryanggang Province", "Hyesan City"}),
    ("용천군의 농장원들이 새 품종을 심었다.", {"Ryongchon County"}),
    ("영변군에 새 약초농장이 생겼다.", {"Nyongbyon County"}),
    ("나선특별시의 항구가 확장되였다.", {"Rason City"}),
    ("룡천군과 녕변군의 대표들이 참가하였다.", {"Ryongchon County", "Nyongbyon County"}),
    # two counties named Unsan in English are two names in Korean
    ("평안북도 운산군에 새 학교가 섰다.", {"North Phyongan Province", "Unsan County"}),
    ("평안남도 은산군의 탄광에서 석탄을 더 캐냈다.", {"South Phyongan Province", "Unsan County"}),
    # datelines are not mentions
    ("(평양 1월 5일발 조선중앙통신) 김화군에 공장이 섰다.", {"Kimhwa County"}),
    ("(평양 3월 19일발 조선중앙통신) 로동자들이 새해 과업을 토의하였다.", set()),
    ("(평양 8월 6일발 조선중앙통신) 평양에서 국제경기가 진행되였다.", {"Pyongyang"}),
    # not places
    ("개성을 살린 작품들이 창작되였다.", set()),
    ("원산지가 표시된 상품들이 팔리였다.", set()),
    ("김책공업종합대학 학생들이 상을 받았다.", set()),
    ("김책동지의 혁명업적을 되새기였다.", set()),
    ("천리마정신으로 일하는 로동자들이 많다.", set()),
    ("자력갱생의 기치를 높이 들었다.", set()),
    ("그는 동료를 많이 도와주었다.", set()),
    ("모든 일을 성실하게 해주는 일군들이 많다.", set()),
    ("조선로동당 중앙위원회 전원회의가 진행되였다.", set()),
    ("청년들이 사회주의건설에 떨쳐나섰다.", set()),
    ("농업부문에서 다수확을 이룩하였다.", set()),
    # several in one sentence
    (
        "자강도와 량강도, 강원도의 대표들이 평양에 모였다.",
        {"Jagang Province", "Ryanggang Province", "Kangwon Province", "Pyongyang"},
    ),
    (
        "평안북도 룡천군과 의주군, 신의주시의 일군들이 참가하였다.",
        {"North Phyongan Province", "Ryongchon County", "Uiju County", "Sinuiju City"},
    ),
    ("함경북도 무산군과 회령시에 큰물이 났다.", {"North Hamgyong Province", "Musan County", "Hoeryong City"}),
    ("황해남도 신천군에 있는 신천박물관을 찾았다.", {"South Hwanghae Province", "Sinchon County"}),
    # Hanja in parentheses
    ("김화군(金化郡)은 강원도에 있다.", {"Kimhwa County", "Kangwon Province"}),
]

HAN_CASES: list[tuple[str, set[str]]] = [
    ("【平壌1月8日発朝鮮中央通信】慈江道江界市で地方工業工場が竣工した。", {"Jagang Province", "Kanggye City"}),
    ("【平壌1月9日発朝鮮中央通信】江原道金化郡に近代的な温室農場が建設された。", {"Kangwon Province", "Kimhwa County"}),
    ("咸鏡南道咸興市で肥料工場が操業を始めた。", {"South Hamgyong Province", "Hamhung City"}),
    ("両江道恵山市の女性たちがジャガイモを収穫した。", {"Ryanggang Province", "Hyesan City"}),
    ("平壌で新年の公演が行われた。", {"Pyongyang"}),
    ("黄海北道沙里院市の博物館を訪れた。", {"North Hwanghae Province", "Sariwon City"}),
    ("朝中社平壤1月10日电 江原道金化郡新建了地方工业工厂。", {"Kangwon Province", "Kimhwa County"}),
    ("咸镜北道清津市举行了冬季体育比赛。", {"North Hamgyong Province", "Chongjin City"}),
    ("平安北道新义州市的工厂增加了生产。", {"North Phyongan Province", "Sinuiju City"}),
    ("两江道三池渊市是山区文化城市的样板。", {"Ryanggang Province", "Samjiyon City"}),
    ("南浦的港口很繁忙。", {"Nampho City"}),
    ("劳动新闻报道了比赛的消息。", set()),
]


def evaluate(cases=None, gazetteer=None) -> tuple[float, float, list[str]]:
    from kcna_cli.places import Gazetteer, strip_dateline

    g = gazetteer or Gazetteer.load()
    tp = fp = fn = 0
    misses = []
    for sentence, expected in KO_CASES if cases is None else cases:
        got = set(g.names_in(strip_dateline(sentence)))
        tp += len(got & expected)
        fp += len(got - expected)
        fn += len(expected - got)
        if got != expected:
            misses.append(f"{sentence!r}: expected {sorted(expected)}, got {sorted(got)}")
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    return precision, recall, misses


if __name__ == "__main__":
    for name, cases in (("Korean", KO_CASES), ("Japanese and Chinese", HAN_CASES)):
        p, r, misses = evaluate(cases)
        print(f"{name}: {len(cases)} sentences: precision {p:.3f}, recall {r:.3f}")
        for m in misses:
            print("  miss:", m)
