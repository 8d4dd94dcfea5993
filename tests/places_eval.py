"""Place extraction evaluated on KCNA-style sentences written for this purpose.

Each case is a sentence and the canonical places it must yield (datelines
are stripped first, as at ingest). ``python tests/places_eval.py`` prints
precision and recall; ``tests/test_places.py`` asserts both are >= 95%.
"""

from __future__ import annotations

CASES: list[tuple[str, set[str]]] = [
    # "X County|City|District|Province"
    ("A modern greenhouse farm was built in Kimhwa County.", {"Kimhwa County"}),
    ("New houses were built in Songchon County.", {"Songchon County"}),
    ("The flood damage in Uiju County was restored.", {"Uiju County"}),
    ("A bridge was opened in Hamhung City.", {"Hamhung City"}),
    ("The Sinuiju City people's committee met on Monday.", {"Sinuiju City"}),
    ("Hwasong District is a new residential quarter.", {"Hwasong District"}),
    ("A sports park opened in Mangyongdae District.", {"Mangyongdae District"}),
    ("Farmers of Jagang Province began spring sowing.", {"Jagang Province"}),
    ("Heavy rain hit North Phyongan Province.", {"North Phyongan Province"}),
    ("A tourist hotel opened in Samjiyon City.", {"Samjiyon City"}),
    ("Fishermen of Nampho City caught more fish.", {"Nampho City"}),
    ("The Rason City economic zone received visitors.", {"Rason City"}),
    # relations
    ("It took place in Songchon County, South Phyongan Province.", {"Songchon County", "South Phyongan Province"}),
    ("Jaeryong County of South Hwanghae Province held a ceremony.", {"Jaeryong County", "South Hwanghae Province"}),
    ("Kyongsong County in North Hamgyong Province has hot springs.", {"Kyongsong County", "North Hamgyong Province"}),
    ("Unpha County of North Hwanghae Province built factories.", {"Unpha County", "North Hwanghae Province"}),
    ("Kimhwa County, Kangwon Province is recovering from floods.", {"Kimhwa County", "Kangwon Province"}),
    ("Samsu County of Ryanggang Province reported snow.", {"Samsu County", "Ryanggang Province"}),
    ("Onchon County, Nampho City opened a resort.", {"Onchon County", "Nampho City"}),
    ("Kumya County in South Hamgyong Province opened a hospital.", {"Kumya County", "South Hamgyong Province"}),
    # lists
    ("Kimhwa and Cholwon Counties were flooded.", {"Kimhwa County", "Cholwon County"}),
    (
        "Hospitals are built in Kujang, Nyongbyon and Jangphung counties.",
        {"Kujang County", "Nyongbyon County", "Jangphung County"},
    ),
    ("Tanchon City and Hongwon, Yodok counties held meetings.", {"Tanchon City", "Hongwon County", "Yodok County"}),
    # "Paekam" is an alias of the gazetteer's "Paegam County"
    (
        "Paekam, Taehongdan and Pochon counties of Ryanggang Province began sowing.",
        {"Paegam County", "Taehongdan County", "Pochon County", "Ryanggang Province"},
    ),
    ("Sinuiju City and Uiju County were hit by floods.", {"Sinuiju City", "Uiju County"}),
    ("Rain fell in Jagang and North Phyongan provinces.", {"Jagang Province", "North Phyongan Province"}),
    ("South and North Hwanghae provinces harvested wheat.", {"South Hwanghae Province", "North Hwanghae Province"}),
    ("Pyongyang and Kaesong cities hosted exhibitions.", {"Pyongyang", "Kaesong City"}),
    ("Factories in Kangso and Chollima districts increased output.", {"Kangso District", "Chollima District"}),
    ("Sariwon City, Haeju City and Kaesong City held sports games.", {"Sariwon City", "Haeju City", "Kaesong City"}),
    # adjectives
    ("The Ryanggang Provincial Party Committee held a plenary meeting.", {"Ryanggang Province"}),
    ("The Pyongyang Municipal People's Committee announced a plan.", {"Pyongyang"}),
    ("The South Hamgyong Provincial People's Hospital was renovated.", {"South Hamgyong Province"}),
    ("Officials of the Kangwon Provincial Party Committee attended.", {"Kangwon Province"}),
    ("The North Phyongan Provincial Art Troupe gave a performance.", {"North Phyongan Province"}),
    # villages
    ("Farmers of Taechong-ri of Unpha County moved into new houses.", {"Unpha County"}),
    ("Sindok-ri of Yonbaek County reaped a bumper crop.", set()),
    ("The co-op farm in Tokhung-ri, Hwasong District, was praised.", {"Hwasong District"}),
    # not places
    ("Students of Kim Chaek University of Technology won prizes.", set()),
    ("The Kim Jong Suk Naval University held a ceremony.", set()),
    ("The Moranbong Band gave a concert.", set()),
    ("The Chollima spirit was displayed by workers.", set()),
    ("A Hwasong-18 missile was test-fired.", set()),
    ("Kim Jong Un sent greetings to Kim Il Sung University.", set()),
    ("The Kumsusan Palace of the Sun was visited by delegations.", set()),
    ("The Songun policy was praised by the speakers.", set()),
    # bare provinces, capital and big cities
    ("Pyongyang celebrated the anniversary.", {"Pyongyang"}),
    ("The Pyongyang Kim Jong Suk Textile Mill raised production.", {"Pyongyang"}),
    ("Kaesong Chomsongdae is an ancient observatory.", {"Kaesong City"}),
    ("Workers in Hamhung completed a new fertilizer line.", {"Hamhung City"}),
    ("The Chongjin Bag Factory produced school bags.", {"Chongjin City"}),
    ("Citizens of Wonsan visited the beach.", {"Wonsan City"}),
    ("Snow fell in Ryanggang.", {"Ryanggang Province"}),
    # ambiguous: Unsan County is in two provinces
    ("New houses were built in Unsan County, South Phyongan Province.", {"Unsan County", "South Phyongan Province"}),
    ("A dam was finished in Unsan County of North Phyongan Province.", {"Unsan County", "North Phyongan Province"}),
    ("A school opened in Unsan County.", {"Unsan County"}),
    # other romanizations written with the unit word
    ("Gimhwa County is in the east.", {"Kimhwa County"}),
    ("Chagang Province is mountainous.", {"Jagang Province"}),
    ("Yanggang Province borders China.", {"Ryanggang Province"}),
    ("Flooding was reported in Kangwon Province, the ROK.", {"Kangwon Province"}),
    # datelines are not mentions
    ("Pyongyang, February 10 (KCNA) -- Farmers of Kimhwa County met.", {"Kimhwa County"}),
    ("Pyongyang, March 3 (KCNA) -- A meeting was held in Sinuiju City.", {"Sinuiju City"}),
    ("Pyongyang, May 1 (KCNA) -- Workers of the DPRK celebrated May Day.", set()),
    ("Pyongyang, June 6 (KCNA) -- Schoolchildren in Pyongyang marked the day.", {"Pyongyang"}),
    # several in one sentence
    (
        "Delegations of Jagang Province and Rason City visited Samjiyon City.",
        {"Jagang Province", "Rason City", "Samjiyon City"},
    ),
    ("Builders from Kangdong County and Sunchon City arrived.", {"Kangdong County", "Sunchon City"}),
    # former names, in articles from before the change (kcna_cli/data/overrides.csv "former")
    ("Samjiyon County was covered with the first snow of the year.", {"Samjiyon City"}),
    ("Tourists visited Samjiyon County, Ryanggang Province.", {"Samjiyon City", "Ryanggang Province"}),
    ("Pochon and Samjiyon counties began potato sowing.", {"Pochon County", "Samjiyon City"}),
    ("Pupils of Samjiyon County moved into a new school.", {"Samjiyon City"}),
    ("Photos of Songjin City in the 1940s were shown.", {"Kim Chaek City"}),
    # counties named after people: the unit word follows
    (
        "A revolutionary museum opened in Kim Jong Suk County, Ryanggang Province.",
        {"Kim Jong Suk County", "Ryanggang Province"},
    ),
    ("Potato farms of Kim Hyong Jik County harvested well.", {"Kim Hyong Jik County"}),
    ("Fishermen of Kim Chaek City caught sardines.", {"Kim Chaek City"}),
    (
        "Kim Jong Suk and Kim Hyong Jik counties were hit by heavy rain.",
        {"Kim Jong Suk County", "Kim Hyong Jik County"},
    ),
    ("The Kim Hyong Gwon County Party Committee met.", {"Kim Hyong Gwon County"}),
    ("In Kim Jong Suk County new houses were built.", {"Kim Jong Suk County"}),
    ("Kim Jong Suk County Party Committee officials met.", {"Kim Jong Suk County"}),
    ("Farmers in Kim Jong Suk and Samjiyon counties harvested barley.", {"Kim Jong Suk County", "Samjiyon City"}),
    (
        "Kim Hyong Jik, Kim Hyong Gwon and Kim Jong Suk counties lie in Ryanggang.",
        {"Kim Hyong Jik County", "Kim Hyong Gwon County", "Kim Jong Suk County", "Ryanggang Province"},
    ),
    # ... and the person, not the county
    ("Kim Jong Suk was an anti-Japanese war heroine.", set()),
    ("Kim Hyong Jik devoted his life to the independence movement.", set()),
    ("Kim Chaek fought in the Fatherland Liberation War.", set()),
    ("Students of the Kim Hyong Jik University of Education won prizes.", set()),
    ("The birthplace of Kim Jong Suk was visited by delegations.", set()),
    ("Works of Kim Jong Suk were studied by the youth of Hoeryong City.", {"Hoeryong City"}),
    ("Workers of the Kim Chaek Iron and Steel Complex raised output.", set()),
    ("The Kim Jong Suk Pyongyang Textile Mill is in Sosong District.", {"Pyongyang", "Sosong District"}),
    ("The Kim Il Sung Socialist Youth League committee of Ryanggang Province met.", {"Ryanggang Province"}),
]


def evaluate(gazetteer=None, verbose: bool = False) -> tuple[float, float, list[str]]:
    from kcna_cli.places import Gazetteer, strip_dateline

    g = gazetteer or Gazetteer.load()
    tp = fp = fn = 0
    misses = []
    for sentence, expected in CASES:
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
    p, r, misses = evaluate()
    print(f"{len(CASES)} sentences: precision {p:.3f}, recall {r:.3f}")
    for m in misses:
        print("  miss:", m)
