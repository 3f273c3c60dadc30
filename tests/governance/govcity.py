"""The hand-built city of the governance tests (a module with its own name: several test folders
have a conftest.py, so ``from conftest import`` would find whichever was imported last)."""

from __future__ import annotations

import datetime as dt

from creditgraph.graph.records import EdgeRow, NodeRow

SEEN = dt.date(2025, 1, 1)


def node(label: str, key: str, **props) -> NodeRow:
    return NodeRow(label, key, props, "test", key, SEEN)


def edge(type_: str, a: str, b: str, **props) -> EdgeRow:
    return EdgeRow(type_, a, b, props, "test", f"{a}>{b}", SEEN)


FIRM, FIRM2 = "co:uscc:91350100TEST00001X", "co:uscc:91350100TEST00002X"
BOSS, CLERK = "pe:test:boss", "pe:test:clerk"
OLD, NEW, OWN = "dr:(2019)闽01执1号:甲公司", "dr:(2024)闽01执9号:甲公司", "dr:(2024)闽01执5号:王大"
PENALTY, ABNORMAL, ORDER = "pn:榕市监罚〔2021〕1号", "ab:91350100TEST00001X:2022-01-01", "rs:(2024)闽01执5号:王大"


def city_rows() -> tuple[list[NodeRow], list[EdgeRow]]:
    nodes = [
        node("Company", FIRM, name="福州甲贸易有限公司", founded=dt.date(2015, 3, 1), uscc="91350100TEST00001X"),
        node("Company", FIRM2, name="福州乙科技有限公司", founded=dt.date(2016, 5, 1), uscc="91350100TEST00002X"),
        node("Person", BOSS, name="王大", id_masked="3501021970****1234"),
        node("Person", CLERK, name="李二"),
        # on the 2-year period (art. 1 item 2-6 behaviour), published 2020: off since 2022
        node("DishonestRecord", OLD, case_no="(2019)闽01执1号", subject_name="福州甲贸易有限公司", court="福州中院",
             published=dt.date(2020, 1, 10), behaviour="违反财产报告制度", performance="全部未履行",
             unperformed_amount="100000"),
        # art. 1 item 1 (有履行能力而拒不履行): no fixed period
        node("DishonestRecord", NEW, case_no="(2024)闽01执9号", subject_name="福州甲贸易有限公司", court="福州中院",
             published=dt.date(2024, 6, 1), behaviour="有履行能力而拒不履行生效法律文书确定义务",
             performance="全部未履行", unperformed_amount="50000"),
        node("DishonestRecord", OWN, case_no="(2024)闽01执5号", subject_name="王大", court="鼓楼法院",
             published=dt.date(2024, 9, 1), behaviour="违反限制消费令", performance="全部未履行"),
        node("Penalty", PENALTY, decision_no="榕市监罚〔2021〕1号", subject_name="福州甲贸易有限公司",
             amount=50000.0, decided=dt.date(2021, 2, 1)),
        node("AbnormalListing", ABNORMAL, subject_name="福州甲贸易有限公司", list_type="abnormal",
             listed=dt.date(2022, 1, 1), removed=dt.date(2023, 3, 1)),
        node("Restriction", ORDER, case_no="(2024)闽01执5号", subject_name="王大", issued=dt.date(2024, 9, 1)),
    ]
    edges = [
        edge("LEGAL_REP_OF", BOSS, FIRM),
        edge("OFFICER_OF", CLERK, FIRM, role="监事"),
        edge("LEGAL_REP_OF", CLERK, FIRM2),
        edge("LISTED_IN", FIRM, OLD, match="uscc"),
        edge("LISTED_IN", FIRM, NEW, match="uscc"),
        edge("LISTED_IN", BOSS, OWN, match="id"),
        edge("LISTED_IN", FIRM, PENALTY, match="name"),
        edge("LISTED_IN", FIRM, ABNORMAL, match="uscc"),
        edge("LISTED_IN", BOSS, ORDER, match="id"),
    ]
    return nodes, edges
