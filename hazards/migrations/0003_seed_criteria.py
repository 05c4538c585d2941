"""判定标准: the official standards for major accident hazards, clause by clause.

Only what can be cited: each standard's name, document number and the clauses (or parts) it
is organised in, mapped to the campaign's key industries, with a short note of what each
clause covers. The clause texts are left for administrators to paste from the published
documents. Not seeded, for lack of a citable clause list: 《烟花爆竹生产经营单位重大生产安全
事故隐患判定标准（试行）》 (same document as the chemicals standard); administrators add it.
"""

from django.db import migrations

CHEMICALS = (
    "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）",
    "安监总管三〔2017〕121号",
)
COAL = ("煤矿重大事故隐患判定标准", "应急管理部令第4号")
METAL_MINES = ("金属非金属矿山重大事故隐患判定标准", "矿安〔2022〕88号")
INDUSTRY_AND_TRADE = ("工贸企业重大事故隐患判定标准", "应急管理部令第10号")
BUILDING = ("房屋市政工程生产安全重大事故隐患判定标准（2022版）", "建质规〔2022〕2号")
FIRE = ("重大火灾隐患判定方法", "GB 35181-2017")
URBAN_GAS = ("城镇燃气经营安全重大隐患判定标准", "")

NUMERALS = "一二三四五六七八九十"


def numeral(n):
    """1 → 一, 12 → 十二, 20 → 二十 (up to 99)."""
    tens, units = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens - 1] + "十")
    return text + (NUMERALS[units - 1] if units else "")


# (industry code, standard, clause, what it covers)
CRITERIA = [
    *[
        ("hazardous_chemicals", CHEMICALS, f"第{numeral(n)}项", title)
        for n, title in enumerate(
            [
                "主要负责人和安全生产管理人员考核",
                "特种作业人员持证上岗",
                "“两重点一重大”装置、设施外部安全防护距离",
                "重点监管危险化工工艺装置自动化控制和紧急停车",
                "一级、二级重大危险源罐区紧急切断和安全仪表系统",
                "全压力式液化烃储罐注水措施",
                "液化烃、液氨、液氯等充装使用万向管道充装系统",
                "剧毒气体和硫化氢管道穿越公共区域",
                "架空电力线路穿越生产区",
                "在役化工装置正规设计和安全设计诊断",
                "淘汰落后安全技术工艺、设备",
                "可燃和有毒气体检测报警、防爆电气设备",
                "控制室、机柜间防火防爆",
                "双重电源供电和不间断电源",
                "安全阀、爆破片等安全附件投用",
                "全员安全生产责任制和隐患排查治理制度",
                "操作规程和工艺控制指标",
                "动火、受限空间等特殊作业管理制度",
                "新工艺论证、试生产方案和反应安全风险评估",
                "危险化学品分区分类储存",
            ],
            start=1,
        )
    ],
    *[
        ("mining", COAL, f"第{numeral(n)}条", title)
        for n, title in enumerate(
            [
                "超能力、超强度或者超定员组织生产",
                "瓦斯超限作业",
                "煤与瓦斯突出矿井未依照规定实施防突出措施",
                "高瓦斯矿井未建立瓦斯抽采系统和监控系统或者系统不能正常运行",
                "通风系统不完善、不可靠",
                "有严重水患，未采取有效措施",
                "超层越界开采",
                "有冲击地压危险，未采取有效措施",
                "自然发火严重，未采取有效措施",
                "使用明令禁止使用或者淘汰的设备、工艺",
                "煤矿没有双回路供电系统",
                "新建、改扩建煤矿违规组织生产",
                "整体承包生产经营、转包和劳务承包违规",
                "改制期间未明确安全生产责任或者未变更证照",
                "其他重大事故隐患",
            ],
            start=4,
        )
    ],
    ("mining", METAL_MINES, "一", "金属非金属地下矿山"),
    ("mining", METAL_MINES, "二", "金属非金属露天矿山"),
    ("mining", METAL_MINES, "三", "尾矿库"),
    ("metallurgy", INDUSTRY_AND_TRADE, "第三条", "工贸企业通用（承包承租管理、特种作业、考核）"),
    ("metallurgy", INDUSTRY_AND_TRADE, "第四条", "冶金企业"),
    ("aluminium_casting", INDUSTRY_AND_TRADE, "第五条", "有色企业（含铝加工深井铸造）"),
    ("combustible_dust", INDUSTRY_AND_TRADE, "第十一条", "存在粉尘爆炸危险的工贸企业"),
    ("construction", BUILDING, "第四条", "施工安全管理"),
    ("construction", BUILDING, "第五条", "基坑工程"),
    ("construction", BUILDING, "第六条", "模板工程"),
    ("construction", BUILDING, "第七条", "脚手架工程"),
    ("construction", BUILDING, "第八条", "起重机械及吊装工程"),
    ("construction", BUILDING, "第九条", "高处作业"),
    ("construction", BUILDING, "第十条", "施工临时用电"),
    ("construction", BUILDING, "第十一条", "有限空间作业"),
    ("construction", BUILDING, "第十二条", "拆除工程"),
    ("construction", BUILDING, "第十三条", "暗挖工程"),
    ("fire_safety", FIRE, "直接判定", "符合直接判定要素之一的，判定为重大火灾隐患"),
    ("fire_safety", FIRE, "综合判定", "按综合判定要素的数量判定"),
    ("urban_gas", URBAN_GAS, "第四条", "燃气经营者安全生产管理"),
    ("urban_gas", URBAN_GAS, "第五条", "燃气厂站安全管理"),
]


def seed(apps, schema_editor):
    Industry = apps.get_model("orgs", "Industry")
    HazardCriterion = apps.get_model("hazards", "HazardCriterion")
    industries = {industry.code: industry for industry in Industry.objects.all()}
    for code, (standard, number), clause, title in CRITERIA:
        HazardCriterion.objects.update_or_create(
            standard=standard,
            clause=clause,
            defaults={"industry": industries[code], "document_number": number, "title": title},
        )


def unseed(apps, schema_editor):
    HazardCriterion = apps.get_model("hazards", "HazardCriterion")
    for _code, (standard, _number), clause, _title in CRITERIA:
        HazardCriterion.objects.filter(standard=standard, clause=clause, hazards=None).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0002_criterion_title_transition_actions"),
        ("orgs", "0002_key_industries"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
