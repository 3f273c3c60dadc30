"""Every string the explorer shows, in Simplified Chinese (the users' language, the default)
and English. Pages ask ``t(key, lang)``; a missing key fails loudly in tests, not on screen."""

from __future__ import annotations

__all__ = ["STRINGS", "LANGS", "t", "label_name", "rel_name", "indicator_name"]

LANGS = {"zh": "中文", "en": "English"}

STRINGS: dict[str, dict[str, str]] = {
    "app.title": {"zh": "信用关系图谱", "en": "Credit graph explorer"},
    "app.user": {"zh": "当前用户", "en": "Signed in as"},
    "app.store": {"zh": "数据库", "en": "Store"},
    "app.language": {"zh": "语言", "en": "Language"},
    "app.notice": {"zh": "所有查询均已登记（查询登记）。个人身份证号仅以脱敏形式显示。",
                   "en": "Every query is registered. ID numbers are shown masked only."},
    "app.unavailable": {"zh": "数据库无法连接：{error}", "en": "The store cannot be reached: {error}"},
    "nav.search": {"zh": "搜索", "en": "Search"},
    "nav.entity": {"zh": "主体详情", "en": "Entity"},
    "nav.paths": {"zh": "关系路径", "en": "Paths"},
    "nav.assets": {"zh": "隐匿资产", "en": "Hidden assets"},
    "nav.rankings": {"zh": "风险排行", "en": "Rankings"},
    "nav.audit": {"zh": "查询登记", "en": "Query register"},
    "search.box": {"zh": "企业名称、人名、统一社会信用代码、身份证号或案号",
                   "en": "Company or person name, USCC, ID number or case number"},
    "search.kind": {"zh": "识别为：{kind}", "en": "Read as: {kind}"},
    "search.none": {"zh": "没有找到匹配的主体。", "en": "Nothing matches."},
    "search.results": {"zh": "共 {n} 条结果", "en": "{n} results"},
    "search.open": {"zh": "打开", "en": "Open"},
    "kind.key": {"zh": "主体编号", "en": "entity key"},
    "kind.uscc": {"zh": "统一社会信用代码", "en": "USCC"},
    "kind.id": {"zh": "身份证号（已哈希比对）", "en": "ID number (matched by hash)"},
    "kind.case": {"zh": "案号", "en": "case number"},
    "kind.name": {"zh": "名称", "en": "name"},
    "kind.empty": {"zh": "空", "en": "empty"},
    "col.type": {"zh": "类型", "en": "Type"},
    "col.name": {"zh": "名称", "en": "Name"},
    "col.region": {"zh": "地区", "en": "Region"},
    "col.status": {"zh": "状态", "en": "Status"},
    "col.risk": {"zh": "风险", "en": "Risk"},
    "col.key": {"zh": "编号", "en": "Key"},
    "col.score": {"zh": "得分", "en": "Score"},
    "col.reasons": {"zh": "主要原因", "en": "Top reasons"},
    "col.industry": {"zh": "行业", "en": "Industry"},
    "col.founded": {"zh": "成立日期", "en": "Founded"},
    "col.via": {"zh": "关联途径", "en": "Reached through"},
    "col.record": {"zh": "记录", "en": "Record"},
    "col.confidence": {"zh": "关联置信度", "en": "Link confidence"},
    "col.cases": {"zh": "失信案件数", "en": "Dishonest cases"},
    "col.size": {"zh": "企业数", "en": "Firms"},
    "col.dishonest": {"zh": "失信企业", "en": "Dishonest firms"},
    "col.shells": {"zh": "疑似空壳", "en": "Suspected shells"},
    "col.cluster": {"zh": "关联群", "en": "Cluster"},
    "risk.high": {"zh": "高风险", "en": "high"},
    "risk.medium": {"zh": "关注", "en": "watch"},
    "risk.low": {"zh": "低", "en": "low"},
    "entity.pick": {"zh": "请先在“搜索”中选择一个主体。", "en": "Pick an entity on the Search page first."},
    "entity.notfound": {"zh": "未找到主体 {key}", "en": "No entity {key}"},
    "entity.profile": {"zh": "基本信息", "en": "Profile"},
    "entity.risk": {"zh": "风险评分", "en": "Risk scores"},
    "entity.records": {"zh": "失信、限消、异常与处罚记录", "en": "Dishonesty, restrictions, abnormal listings, penalties"},
    "entity.network": {"zh": "关系图", "en": "Network"},
    "entity.export": {"zh": "导出", "en": "Export"},
    "entity.provenance": {"zh": "数据来源", "en": "Sources"},
    "entity.no_records": {"zh": "本主体及其关联人员、企业均无记录。", "en": "No records for it or its linked people and firms."},
    "entity.no_scores": {"zh": "尚未评分（请先运行 creditgraph score）。", "en": "Not scored yet (run creditgraph score)."},
    "entity.shell": {"zh": "空壳企业评分", "en": "Shell-company score"},
    "entity.repeat": {"zh": "失信累犯", "en": "Repeat offender"},
    "entity.spread": {"zh": "关联风险", "en": "Related-party risk"},
    "entity.hiding": {"zh": "疑似承接转移资产", "en": "May hold moved assets"},
    "entity.flagged": {"zh": "已标记", "en": "flagged"},
    "entity.not_flagged": {"zh": "未标记", "en": "not flagged"},
    "entity.evidence": {"zh": "证据", "en": "Evidence"},
    "net.hops": {"zh": "层数", "en": "Hops"},
    "net.more": {"zh": "+{n} 更多", "en": "+{n} more"},
    "net.capped": {"zh": "部分节点的关联过多，已折叠（双击节点可展开）。", "en": "Some nodes have too many links and are folded (double-click to expand)."},
    "net.help": {"zh": "单击节点选中，再点下方按钮打开其详情；双击或点“展开”加载下一层。",
                 "en": "Click a node to select it, then open it with the button below; double-click or Expand loads its next hop."},
    "net.open": {"zh": "打开所选节点", "en": "Open the selected node"},
    "net.reset": {"zh": "重置视图", "en": "Reset view"},
    "net.count": {"zh": "{nodes} 个节点，{edges} 条关系", "en": "{nodes} nodes, {edges} links"},
    "export.csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "export.graphml": {"zh": "下载 GraphML", "en": "Download GraphML"},
    "export.pdf": {"zh": "生成信用报告 (PDF)", "en": "Credit report (PDF)"},
    "export.pdf_unavailable": {"zh": "无法生成 PDF：{error}", "en": "Cannot make the PDF: {error}"},
    "paths.from": {"zh": "起点（编号或搜索词）", "en": "From (key or search text)"},
    "paths.to": {"zh": "终点（编号或搜索词）", "en": "To (key or search text)"},
    "paths.max_hops": {"zh": "最多跳数", "en": "Max hops"},
    "paths.k": {"zh": "路径条数", "en": "Paths"},
    "paths.run": {"zh": "查找路径", "en": "Find paths"},
    "paths.none": {"zh": "在 {hops} 跳内没有路径。", "en": "No path within {hops} hops."},
    "paths.path": {"zh": "路径 {i}（{n} 跳）", "en": "Path {i} ({n} hops)"},
    "paths.ambiguous": {"zh": "“{text}”匹配多个主体，请选择：", "en": "“{text}” matches several entities; pick one:"},
    "assets.debtor": {"zh": "被执行人（编号或搜索词）", "en": "Debtor (key or search text)"},
    "assets.none": {"zh": "没有发现判决后向关联方转移的企业或股权。", "en": "No firms or stakes moved to associates after a judgment."},
    "assets.all": {"zh": "全部疑似资产转移线索", "en": "All asset-moving leads"},
    "assets.firm": {"zh": "承接企业", "en": "Receiving firm"},
    "rank.shell": {"zh": "疑似空壳企业", "en": "Suspected shell companies"},
    "rank.repeat": {"zh": "失信累犯", "en": "Repeat offenders"},
    "rank.clusters": {"zh": "高风险关联群", "en": "Risky clusters"},
    "rank.redblack": {"zh": "红黑榜", "en": "Red and black lists"},
    "rank.filters": {"zh": "筛选", "en": "Filters"},
    "rank.any": {"zh": "全部", "en": "any"},
    "rank.range": {"zh": "得分范围", "en": "Score range"},
    "rank.founded": {"zh": "成立日期范围", "en": "Founded between"},
    "rank.flagged_only": {"zh": "只看已标记", "en": "Flagged only"},
    "rank.persons": {"zh": "人员", "en": "People"},
    "rank.firms": {"zh": "企业", "en": "Firms"},
    "rank.black": {"zh": "黑榜：失信累犯与疑似空壳", "en": "Black list: repeat offenders and suspected shells"},
    "rank.red": {"zh": "红榜：无任何失信、异常或处罚记录、且风险低的存续企业",
                 "en": "Red list: active firms with no dishonesty, abnormal listing or penalty, and low risk"},
    "rank.members": {"zh": "群内企业", "en": "Firms in the cluster"},
    "audit.title": {"zh": "查询登记（只读，仅追加）", "en": "Query register (read-only, append-only)"},
    "audit.ok": {"zh": "登记链完整：{n} 条记录未被修改。", "en": "Chain intact: {n} entries unaltered."},
    "audit.broken": {"zh": "登记链在第 {line} 行断开：记录可能被修改或删除。", "en": "Chain broken at line {line}: an entry was edited or removed."},
    "audit.action": {"zh": "操作", "en": "Action"},
}

_LABELS = {
    "Company": ("企业", "Company"), "Person": ("人员", "Person"), "Address": ("地址", "Address"),
    "Case": ("案件", "Case"), "DishonestRecord": ("失信记录", "Dishonest record"),
    "Restriction": ("限制消费令", "Consumption restriction"), "AbnormalListing": ("经营异常", "Abnormal listing"),
    "Penalty": ("行政处罚", "Penalty"), "Phone": ("电话", "Phone"),
}
_RELS = {
    "LEGAL_REP_OF": ("法定代表人", "legal rep"), "OFFICER_OF": ("任职", "officer"),
    "SHAREHOLDER_OF": ("股东", "shareholder"), "REGISTERED_AT": ("注册地址", "registered at"),
    "HAS_PHONE": ("电话", "phone"), "PARTY_TO": ("当事人", "party to"), "LISTED_IN": ("列入", "listed in"),
    "SAME_AS": ("同一主体", "same as"), "JUDGED": ("人工判定", "judged"), "ARISES_FROM": ("源于", "arises from"),
}

_INDICATORS = {
    "firms_at_address": ("同址注册企业多", "many firms at its address"),
    "registered_together": ("同期集中注册", "registered in a batch"),
    "rep_fronts_firms": ("法定代表人挂名多家企业", "legal rep fronts many firms"),
    "officer_fronts_firms": ("高管任职企业过多", "officer sits in many firms"),
    "shared_crew": ("与其他企业人员重合", "shares its people with other firms"),
    "short_life": ("存续期短或快速注销", "short life or quick deregistration"),
    "same_rep_batch": ("同一法定代表人同址集中注册", "batch registered at one address under one legal rep's name"),
    "unpaid_capital": ("注册资本未实缴", "registered capital not paid in"),
    "group_subsidiary": ("集团子公司（母公司持股）", "a group subsidiary, held by its parent"),
    "group_address": ("同址企业多属同一集团", "its address is a group's, whose firms hold one another"),
    "abnormal_listings": ("列入经营异常名录", "on the abnormal-operation list"),
    "ownership_cycle": ("循环持股", "circular ownership"),
    "firms_on_phone": ("多家企业共用电话", "phone shared by many firms"),
}


def indicator_name(name: str, lang: str = "zh") -> str:
    zh, en = _INDICATORS.get(name, (name, name))
    return zh if lang == "zh" else en


def t(key: str, lang: str = "zh", /, **values: object) -> str:
    """The UI string ``key`` in ``lang`` (Chinese when the language is unknown), formatted."""
    text = STRINGS[key].get(lang) or STRINGS[key]["zh"]
    return text.format(**values) if values else text


def label_name(label: str, lang: str = "zh") -> str:
    zh, en = _LABELS.get(label, (label, label))
    return zh if lang == "zh" else en


def rel_name(type_: str, lang: str = "zh") -> str:
    zh, en = _RELS.get(type_, (type_, type_))
    return zh if lang == "zh" else en
