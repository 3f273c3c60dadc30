"""Generator profiles: what a synthetic city publishes, how much of it is blank, and how its
world is drawn.

A model trained and evaluated on one feed proves little, so ``generate(profile=...)`` writes
cities that differ in three ways:

- **layout** — ``"registry"`` writes the gsxt files (IDs, capital, phones, the abnormal
  list …); ``"listed"`` writes the ``cn_listed_company_graph`` tables (officers by name only,
  no IDs, no paid-in, no dissolution dates, no phones) plus the zxgk 失信 list;
- **coverage** — which files appear, the share of each column left blank at random, and how
  often a person's ID is shown in full or masked;
- **style** — how shells look (paid-in, lifetime, abnormal listing, size, agent addresses,
  crew, cross-holding ring), how big group-HQ decoys are, the registered-capital picker and
  the name-collision rate. A scorer that learnt "zero paid-in" or "on the abnormal list" from
  ``full`` meets shells in ``sparse`` that have neither.

``full`` reproduces the original generator byte for byte: every knob defaults to the value
the generator had before profiles existed, and a zero rate draws no random numbers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

__all__ = ["Profile", "ShellStyle", "WorldStyle", "PROFILES", "get_profile", "REGISTRY_FILES", "LISTED_FILES"]

REGISTRY_FILES = ("enterprise_registration.csv", "key_personnel.csv", "shareholders.csv",
                  "dishonest_records_zxgk.csv", "dishonest_records_aggregator.csv", "consumption_restrictions.csv",
                  "abnormal_operations.csv", "administrative_penalties.csv", "judgments.jsonl")
LISTED_FILES = ("company_basic_info.tsv", "keydirector_info.tsv", "shareholder_info.tsv", "dishonest_records_zxgk.csv")


@dataclass(frozen=True)
class WorldStyle:
    """Draws of the background world (:class:`~creditgraph.synth.world.World` arguments)."""
    capital_scale: float = 1.0     # registered capital picker's values × this (万元)
    capital_tilt: float = 0.0      # weights × (rank + 1) ** tilt: > 0 favours bigger capital
    popular_share: float = 0.25    # share of given names drawn from the popular list
    popular_pool: int = 0          # how many popular names are in use (0: all of them)
    passive_owner_share: float = 0.0  # small firms whose majority holder holds no post (World.add_passive_owner)


@dataclass(frozen=True)
class ShellStyle:
    """How planted shell clusters look (:func:`~creditgraph.synth.plant.shell_clusters` arguments)."""
    size: tuple[int, int] = (8, 30)              # firms per cluster
    die_share: float = 0.55                      # share dissolved or revoked within two years
    normal_paid_in_share: float = 0.0            # share whose paid-in equals registered capital
    abnormal_share: float = 0.75                 # share put on the abnormal-operation list
    agent_share: float = 0.5                     # share of clusters at a registration-agent address
    crew: tuple[int, int] = (3, 5)               # rotating officers per cluster
    ring: bool = True                            # a ring of cross-holdings among the first 3–4
    capital: tuple[float, ...] = (1000, 2000, 3000, 5000, 10000)  # registered capital, 万元


@dataclass(frozen=True)
class Profile:
    """One kind of city. ``missing`` maps file → column → share of rows left blank (the
    registry's 统一社会信用代码 rate applies per firm, in every file that names it);
    ``id_shown`` maps a row kind to (share shown in full, share masked)."""
    name: str
    description: str
    layout: str                                   # "registry" | "listed"
    files: tuple[str, ...]
    missing: dict[str, dict[str, float]] = field(default_factory=dict)
    id_shown: dict[str, tuple[float, float]] = field(default_factory=lambda: {
        "legal_rep": (0.60, 0.25), "officer": (0.30, 0.0), "holder": (0.50, 0.30)})
    world: WorldStyle = WorldStyle()
    shells: ShellStyle = ShellStyle()
    group_subsidiaries: tuple[int, int] = (20, 50)
    hidden_link_vias: tuple[str, ...] = ("officer", "address", "phone")
    isolated_twins: bool = False                  # namesakes' firms staffed only by new people

    def __post_init__(self):
        if self.layout not in ("registry", "listed"):
            raise ValueError(f"profile {self.name}: layout must be 'registry' or 'listed', not {self.layout!r}")
        allowed = REGISTRY_FILES if self.layout == "registry" else LISTED_FILES
        if unknown := set(self.files) - set(allowed) or set(self.missing) - set(self.files):
            raise ValueError(f"profile {self.name}: files {sorted(unknown)} are not written in the "
                             f"{self.layout} layout")

    def rate(self, file: str, column: str) -> float:
        return self.missing.get(file, {}).get(column, 0.0)

    def publishes(self) -> dict:
        """What a loaded city of this profile can show (``check_planted`` skips the rest)."""
        reg = self.layout == "registry"
        ent = "enterprise_registration.csv"
        phone = reg and ent in self.files and self.rate(ent, "联系电话") < 1.0
        return {
            "layout": self.layout, "files": list(self.files), "phone": phone,
            "holding_since": reg and self.rate("shareholders.csv", "认缴出资日期") < 1.0,
            "paid_in": reg and self.rate(ent, "实缴资本") < 1.0,
            "dissolved": reg and self.rate(ent, "注销日期") < 1.0,
            "abnormal": "abnormal_operations.csv" in self.files,
            "founded_missing": self.rate(ent, "成立日期") if reg else self.rate("company_basic_info.tsv", "clrq"),
            "uscc_missing": self.rate(ent, "统一社会信用代码") if reg else self.rate("company_basic_info.tsv", "xydm"),
        }

    def as_dict(self) -> dict:
        return {**asdict(self), "publishes": self.publishes()}


_NO_IDS = {"legal_rep": (0.0, 0.0), "officer": (0.0, 0.0), "holder": (0.0, 0.0)}

PROFILES: dict[str, Profile] = {p.name: p for p in [
    Profile("full", "every registry file with IDs, capital, phones and lists; the original generator",
            "registry", REGISTRY_FILES),
    Profile("registry", "a city platform's registry feed: gsxt files and court lists, some columns patchy, "
            "fewer IDs; shells smaller, some with capital paid in, most outlive two years",
            "registry",
            tuple(f for f in REGISTRY_FILES if f not in ("judgments.jsonl", "dishonest_records_aggregator.csv")),
            missing={"enterprise_registration.csv": {"统一社会信用代码": 0.03, "成立日期": 0.05, "实缴资本": 0.35,
                                                     "注销日期": 0.3, "联系电话": 0.5, "工商注册号": 0.5,
                                                     "所属行业": 0.1},
                     "shareholders.csv": {"认缴出资日期": 0.2, "实缴出资额": 0.35}},
            id_shown={"legal_rep": (0.40, 0.30), "officer": (0.10, 0.10), "holder": (0.30, 0.30)},
            world=WorldStyle(capital_tilt=0.3, popular_share=0.3, passive_owner_share=0.08),
            shells=ShellStyle(size=(5, 15), die_share=0.4, normal_paid_in_share=0.2, abnormal_share=0.5,
                              agent_share=0.7, crew=(2, 4), capital=(500, 1000, 2000, 5000)),
            group_subsidiaries=(5, 10), isolated_twins=True),
    Profile("sparse", "a thin registry extract: no phones, no abnormal list, no penalties, officer and holder "
            "IDs never shown, many blanks; shells look ordinary (half paid in, long-lived, no ring)",
            "registry", ("enterprise_registration.csv", "key_personnel.csv", "shareholders.csv",
                         "dishonest_records_zxgk.csv"),
            missing={"enterprise_registration.csv": {"统一社会信用代码": 0.15, "成立日期": 0.2, "实缴资本": 0.6,
                                                     "注册资本": 0.1, "注销日期": 0.7, "联系电话": 1.0,
                                                     "工商注册号": 1.0, "所属行业": 0.4, "企业类型": 0.3,
                                                     "登记机关": 0.3},
                     "shareholders.csv": {"认缴出资日期": 0.5, "实缴出资额": 0.6, "认缴出资额": 0.2}},
            id_shown={"legal_rep": (0.10, 0.10), "officer": (0.0, 0.0), "holder": (0.0, 0.0)},
            world=WorldStyle(capital_scale=0.5, capital_tilt=-0.3, popular_share=0.45, popular_pool=40,
                             passive_owner_share=0.10),
            shells=ShellStyle(size=(4, 10), die_share=0.25, normal_paid_in_share=0.5, abnormal_share=0.2,
                              agent_share=0.3, crew=(2, 3), ring=False, capital=(100, 200, 500, 1000, 3000)),
            group_subsidiaries=(60, 120), hidden_link_vias=("officer", "address"), isolated_twins=True),
    Profile("listed", "the cn_listed_company_graph tables (officers and holders by name only, no IDs, no "
            "paid-in, no dissolution, no phones) plus the zxgk 失信 list",
            "listed", LISTED_FILES,
            missing={"company_basic_info.tsv": {"xydm": 0.05, "clrq": 0.1, "bgdz": 0.2, "zycp": 0.3}},
            id_shown=_NO_IDS,
            world=WorldStyle(capital_scale=20.0, capital_tilt=0.5, popular_share=0.35, popular_pool=60,
                             passive_owner_share=0.14),
            shells=ShellStyle(size=(6, 20), die_share=0.5, normal_paid_in_share=0.3, abnormal_share=0.3,
                              agent_share=0.6, crew=(3, 6), capital=(5000, 10000, 20000, 50000)),
            group_subsidiaries=(30, 60), hidden_link_vias=("officer", "address"), isolated_twins=True),
]}


def get_profile(profile: str | Profile) -> Profile:
    """A :class:`Profile` by name (or the one given)."""
    if isinstance(profile, Profile):
        return profile
    try:
        return PROFILES[profile]
    except KeyError:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}") from None
