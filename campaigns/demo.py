"""The campaign part of `manage.py seed_demo`: a plan cascading 江西省 → 南昌市 → 湾里管理局 →
招贤镇, with assignments, due slots and progress reports in every state.

The tasks are real: taken, as data, from 招贤镇's own plan (seed 002), whose ten actions are
the campaign's 十大行动 as every level words them. Everything goes through campaigns.services,
as officials would do it, by the demo accounts of orgs.demo. Idempotent: the province plan
exists once everything exists (it is all one transaction), and then nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from campaigns import services
from campaigns.models import Campaign, Checklist, Plan, Recurrence, Slot

PROVINCE_TITLE = "江西省安全生产治本攻坚三年行动实施方案"
# (unit, issue date) of each level's plan.
ISSUED = {
    "江西省": date(2024, 3, 15),
    "南昌市": date(2024, 4, 10),
    "湾里管理局": date(2024, 5, 6),
    "招贤镇": date(2024, 5, 20),
}
HALF_DONE = 60


@dataclass(frozen=True)
class DemoTask:
    title: str
    text: str
    deadline: date | None = None
    deadline_phrase: str = ""
    recurrence: str = ""
    target: str = ""


@dataclass(frozen=True)
class DemoAction:
    number: str
    title: str
    tasks: list[DemoTask] = field(default_factory=list)


ACTIONS = [
    DemoAction(
        "(一)",
        "开展生产经营单位主要负责人安全教育培训行动",
        [
            DemoTask(
                "突出重点",
                (
                    "突出重点。深刻吸取全国各地发生的3人以上亡人事故教训,聚焦危险化学品、冶金、铝加工("
                    "深井铸造)、文旅、消防、建筑施工、交通运输等重点行业领域,每月开展一次针对性隐患排查"
                    ",汇报一次整治工作进展。"
                ),
                recurrence=Recurrence.MONTHLY,
            ),
        ],
    ),
    DemoAction(
        "(二)",
        "开展生产经营单位从业人员安全素质能力提升行动",
        [
            DemoTask(
                "健全完善培训机制",
                (
                    "健全完善培训机制。结合各行业领域实际情况,2024年底前全面细化完善生产经营单位各类"
                    "从业人员安全生产教育培训的频次、内容、范围、时间等规定要求,健全教育培训效果督导检查"
                    "机制,切实强化教育培训动态管理。明确有关从业人员的安全准入机制以及不符合安全条件要求"
                    "的退出机制,提升从业人员整体能力水平。"
                ),
                deadline=date(2024, 12, 31),
                deadline_phrase="2024年底前",
            ),
            DemoTask(
                "提升逃生避险能力",
                (
                    "提升逃生避险能力。聚焦从业人员疏散逃生避险意识能力提升,推动生产经营单位每年至少组织"
                    "开展1次疏散逃生演练(高危行业领域每半年至少1次),让全体从业人员熟知逃生通道、安全"
                    "出口及应急处置要求,形成常态化机制。推动高危行业生产经营单位全面依法建设安全生产应急"
                    "救援队伍,满足安全风险防范和事故抢险救援需要。"
                ),
                recurrence=Recurrence.YEARLY,
            ),
        ],
    ),
    DemoAction(
        "(三)",
        "开展生产经营单位安全管理体系建设行动",
        [
            DemoTask(
                "健全双重预防机制",
                (
                    "健全双重预防机制。据《江西省安委会办公室关于推动生产经营单位构建安全风险分级管控和隐"
                    "患排查治理双重预防机制的指导意见》,进一步推动生产经营单位健全安全风险分级管控和隐患"
                    "排查治理双重预防机制,引导推动生产经营单位全面辨识安全风险、科学评估风险等级,完善“"
                    "一图一牌三清单”等公告公示机制。针对安全风险特点,指导生产经营单位分级、分层、分类、"
                    "分专业管控风险。"
                ),
            ),
        ],
    ),
    DemoAction(
        "(四)",
        "开展全民安全素质提升行动",
        [
            DemoTask(
                "强化宣传教育",
                (
                    "强化宣传教育。加强全民安全生产宣传教育,培育公众安全意识,聚焦“人人讲安全、个个会应"
                    "急”这个主题和目标,持续开展安全生产月、消防宣传月、安全宣传咨询日等活动;将安全教育"
                    "纳入学校教育体系,引导公众践行安全的生产生活方式,推动安全宣传进企业、进农村、进社区"
                    "、进学校、进家庭。落实“谁执法谁普法”普法责任制,深入开展安全生产法治宣传教育。协调"
                    "推动在辖区主流媒体平台设置安全生产专题栏目,定期讲解安全生产知识、介绍安全生产典型经"
                    "验做法、曝光存在的突出问题隐患,制作播放安全警示宣传片,强化典型事故教训吸取。因地制"
                    "宜加快建设安全科普宣传教育和安全体验基地。"
                ),
            ),
        ],
    ),
    DemoAction(
        "(五)",
        "开展风险分级管控行动",
        [
            DemoTask(
                "健全分析研判机制",
                (
                    "健全分析研判机制。期组织分析研判安全生产风险,分区域分行业领域绘制安全风险等级“四色"
                    "图”并动态更新。加强常态化会商研判,滚动分析灾害天气趋势和安全生产苗头性问题,加强重"
                    "大节日、重要活动和重点时段事故风险的部门联合会商和针对性研判。"
                ),
            ),
        ],
    ),
    DemoAction(
        "(六)",
        "开展重大事故隐患动态清零行动",
        [
            DemoTask(
                "提升排查整治实效",
                (
                    "提升排查整治实效。结合安全生产风险隐患大排查大整治工作,健全完善生产经营单位重大事故"
                    "隐患自查自改常态化机制,生产经营单位主要负责人要每季度带队对本单位重大事故隐患排查整"
                    "治情况至少开展1次检查(高危行业领域每月至少1次)。完善行业领域专家、企业退休技安人"
                    "员以及专业技术服务机构参与排查整治工作的长效机制,加大支撑保障力度,提高排查整治专业"
                    "性。突出重大事故隐患“动态清零”,着力减少存量、遏制增量。"
                ),
                recurrence=Recurrence.QUARTERLY,
            ),
            DemoTask(
                "健全重大事故隐患数据库",
                (
                    "健全重大事故隐患数据库。2024年底前完善数据库运行管理机制,实现企业自查上报、督导"
                    "检查发现、群众举报查实等各渠道排查的重大事故隐患全量汇总,推动重大事故隐患信息共享集"
                    "中。由各属地及各行业监管部门负责及时将重大事故隐患信息通知到相关生产经营单位的主要负"
                    "责人、实际控制人,实行清单制管理并动态更新整改落实情况,推动照单逐条整改销号。"
                ),
                deadline=date(2024, 12, 31),
                deadline_phrase="2024年底前",
            ),
            DemoTask(
                "完善整改督办机制",
                (
                    "完善整改督办机制。完善重大事故隐患治理督办制度,建立负有安全监管职责的有关部门审核把"
                    "关销号机制,加大专业指导力度,确保重大隐患闭环整改到位。2024年底前建立健全分区域"
                    "、分行业重大事故隐患统计分析机制,对进展缓慢的及时采取函告、通报、约谈、曝光等措施。"
                    "严格落实《江西省重大事故隐患排查整改核实责任追究办法》,对于未开展排查、明明有问题却"
                    "查不出或者查出后拒不整改等导致重大事故隐患长期存在的,查清问题并严肃责任追究。"
                ),
                deadline=date(2024, 12, 31),
                deadline_phrase="2024年底前",
            ),
        ],
    ),
    DemoAction(
        "(七)",
        "开展精准执法和帮扶行动",
        [
            DemoTask(
                "提高检查执法效能",
                (
                    "提高检查执法效能。聚焦重大事故隐患排查整治,强化基层安全监管执法人员能力培训。根据全"
                    "市统一安排,三年内,对全局安全监管执法人员开展跟班集中培训。加强安全生产行政执法人员"
                    "执法装备配备,推动执法队伍规范化建设。大力选聘执法技术检查员参与安全生产监管执法,完"
                    "善通过政府购买服务辅助开展监督检查的工作机制,切实提升基层安全监管能力。"
                ),
                deadline=date(2026, 12, 31),
                deadline_phrase="三年内",
            ),
            DemoTask(
                "加强安全执法检查",
                (
                    "加强安全执法检查。综合运用“四不两直”、明查暗访、交叉检查等方式,聚焦重大事故隐患排"
                    "查整治,提升执法现场感、执法穿透力,集中挂牌、公布、曝光、处理一批重大事故隐患,对“"
                    "零处罚”、“只检查不处罚”等执法“宽松软虚”等问题的相关地区和单位进行约谈通报。对无"
                    "需审批备案但具有较大安全风险的生产经营活动,加大现场执法检查力度,完善“双随机”抽查"
                    "检查工作机制,严防小施工、小作业惹大事。2024年底前,建立健全各行业领域安全生产监"
                    "管监察执法统计、执法考评和典型案例报送制度,组织开展执法练兵和比武竞赛。加大“互联网"
                    "+执法”推广应用力度,推动现场执法检查和线上巡查执法有机结合,持续提高执法效能。"
                ),
                deadline=date(2024, 12, 31),
                deadline_phrase="2024年底前",
            ),
        ],
    ),
    DemoAction(
        "(八)",
        "开展安全科技支撑和工程治理行动",
        [
            DemoTask(
                "加快老旧设备更新改造",
                (
                    "加快老旧设备更新改造。加大危化品、工贸、建设施工、交通运输、燃气等行业领域老旧设备淘"
                    "汰更新力度。加快推进老旧直流内燃机车报废、老旧化工生产装置改造提升、“大吨小标”货车"
                    "违规生产销售治理,2025年底前推动变型拖拉机全部淘汰退出。"
                ),
                deadline=date(2025, 12, 31),
                deadline_phrase="2025年底前",
            ),
            DemoTask(
                "实施重点领域工程治理",
                (
                    "实施重点领域工程治理。深入开展老旧场所消防设施升级改造、公路安全生命防护工程建设、水"
                    "库除险加固、电梯安全筑底、应急逃生出口和消防车通道打通等工程治理行动。组织开展建设工"
                    "程消防设计审查验收违法违规专项治理。2025年底前基本实现城镇建成区消防供水全覆盖、"
                    "存在安全隐患自建房整治全覆盖,持续推动安全基础设施提质增效,强化本质安全。"
                ),
                deadline=date(2025, 12, 31),
                deadline_phrase="2025年底前",
                target="基本实现城镇建成区消防供水全覆盖、存在安全隐患自建房整治全覆盖",
            ),
        ],
    ),
    DemoAction(
        "(九)",
        "开展应急救援能力提升行动",
        [
            DemoTask(
                "强化应急救援演练",
                (
                    "强化应急救援演练。健全完善安全生产应急预案,不断提高应急预案的可操作性和针对性。建立"
                    "健全应急物资储备体系,强化先进装备配备和重要物资储备。加强政企预案衔接与联动,开展企"
                    "业重点岗位、重点部位现场应急处置方案实操性监督检查,强化制度化、全员化、多形式的应急"
                    "救援演练。督促企业建立应急准备能力评估制度,并根据演练结果对企业安全生产应急预案进行"
                    "重新修订、备案。推动规模以上高危行业领域企业加强专兼职应急救援队伍建设及应急物资装备"
                    "配备,建立内部监测预警、态势研判及与周边企业、政府的信息通报、资源互助机制。"
                ),
            ),
        ],
    ),
    DemoAction(
        "(十)",
        "开展基层基础提升行动",
        [
            DemoTask(
                "推动安全责任落实",
                (
                    "推动安全责任落实。坚持“党政同责、一岗双责、齐抓共管、失职追责”,全面贯彻落实《地方"
                    "党政领导干部安全生产责任制规定》和江西省《实施细则》,健全完善安全生产警示、通报、约"
                    "谈、访谈、挂牌督办等工作制度,将治本攻坚三年行动责任分工和工作目标纳入党政领导干部安"
                    "全生产年度工作任务清单,并按程序报上级安委办备案,压实党政领导责任。严格落实“三管三"
                    "必须”要求和安全生产“三包”监管责任制,充分发挥各级安委会对部门考核、督导作用,多发"
                    "警示函、建议书、督办函,进一步理清部门职责,强化新风险新业态监管,开展安全生产精准执"
                    "法和帮扶行动,推动部门监管责任落实。按照“全链条、全员、全过程安全管理”的要求,强化"
                    "“五个一”活动,督促报送主体责任履职报告,推动企业主体责任落实。"
                ),
            ),
        ],
    ),
]

# What the lower levels add of their own (seed 002's own wording).
CITY_TASK = DemoTask(
    "强化示范引领",
    "强化示范引领。深化公路建设“平安工程”“平安农机”“平安渔业”“安康杯”竞赛等示范创建工作，"
    "评选一批安全生产工作先进企业、单位和个人，强化示范引领作用。",
)
TOWNSHIP_TASK = DemoTask(
    "结合实际全面开展",
    "结合实际全面开展。各村(社区)、各有关组室要结合工作实际,组织对有关重点行业领域生产经营"
    "单位开展安全教育宣传。同时,切实树牢各级领导干部安全发展理念,提升统筹发展和安全的能力。",
)
CHECKLIST_ITEMS = [
    ("召开党委会专题研究部署治本攻坚三年行动", "已于2024年5月召开党委会专题部署"),
    ("建立镇村两级重大事故隐患台账", "已建立台账并按月更新"),
    ("组织辖区生产经营单位主要负责人集中培训", ""),
    ("开展疏散逃生演练不少于1次", ""),
]


def on_demo_seeded(sender, world, stdout=None, **kwargs):
    """Receiver of orgs.demo.demo_seeded (connected in CampaignsConfig.ready)."""
    plans = seed(world)
    if stdout is not None and plans:
        stdout.write(f"治本攻坚方案演示数据：{len(plans)}个方案（省、市、县、乡镇逐级分解）。")


def seed(world) -> list[Plan]:
    """The demo plans, or nothing when they are there already."""
    units, users = world.units, world.users
    if Plan.objects.filter(org_unit=units["江西省"], title=PROVINCE_TITLE).exists():
        return []
    admin = users["province_admin"]
    province = _province_plan(admin, units["江西省"])
    for task in province.tasks.all():
        services.assign_task(task, [units["南昌市"], units["上饶市"]], user=admin)
    services.issue_plan(province, user=admin)

    city = _derive(province, units["南昌市"], admin, own_task=CITY_TASK)
    for task in city.tasks.all():
        services.assign_task(task, [units["湾里管理局"]], user=admin)
    services.issue_plan(city, user=admin)
    services.file_plan(city, user=admin)

    county = _derive(city, units["湾里管理局"], admin)
    townships = [unit for unit in world.townships if unit.parent_id == units["湾里管理局"].pk]
    for task in county.tasks.all():
        services.assign_task(task, townships, user=admin, lead_unit=units["招贤镇"])
    services.issue_plan(county, user=admin)
    services.file_plan(county, user=users["city_official"])

    staff = users["township_staff"]
    township = _derive(county, units["招贤镇"], staff, own_task=TOWNSHIP_TASK)
    services.issue_plan(township, user=staff)
    services.file_plan(township, user=users["county_official"])

    _reports(county, units, users)
    _checklist(township, units["招贤镇"], staff)
    return [province, city, county, township]


def _province_plan(admin, unit) -> Plan:
    plan = services.create_plan(
        user=admin,
        org_unit=unit,
        campaign=Campaign.objects.get(name="安全生产治本攻坚三年行动"),
        title=PROVINCE_TITLE,
        issue_date=ISSUED[unit.name],
    )
    for demo_action in ACTIONS:
        action = services.add_action(
            plan, user=admin, number=demo_action.number, title=demo_action.title
        )
        for demo_task in demo_action.tasks:
            services.add_task(plan, {"action": action, **_fields(demo_task)}, user=admin)
    return plan


def _fields(demo_task: DemoTask) -> dict:
    return {
        "title": demo_task.title,
        "text": demo_task.text,
        "deadline": demo_task.deadline,
        "deadline_phrase": demo_task.deadline_phrase,
        "recurrence": demo_task.recurrence,
        "target": demo_task.target,
    }


def _derive(parent, unit, user, own_task=None) -> Plan:
    plan = services.derive_plan(user=user, parent_plan=parent, org_unit=unit)
    plan = services.update_plan(plan, {"issue_date": ISSUED[unit.name]}, user=user)
    if own_task is not None:
        services.add_task(plan, _fields(own_task), user=user)
    return plan


def _reports(county, units, users):
    """招贤镇's reports on 湾里管理局's tasks: accepted, returned, awaiting review; 梅岭镇 has
    one awaiting review; the other slots stay open (the past ones late)."""
    staff, leader = users["township_staff"], users["county_official"]
    slots = Slot.objects.filter(assignment__task__plan=county).order_by("due_date", "pk")
    monthly = slots.filter(assignment__task__recurrence=Recurrence.MONTHLY)
    zhaoxian_monthly = list(monthly.filter(org_unit=units["招贤镇"])[:6])
    for slot in zhaoxian_monthly[:4]:
        report = services.submit_progress_report(
            slot,
            user=staff,
            text=f"{slot.period}：排查危险化学品、建筑施工等重点行业领域生产经营单位12家，"
            "发现一般隐患9处，已整改9处。",
            percent_done=100,
        )
        services.review_progress_report(report, user=leader, accept=True)
    report = services.submit_progress_report(
        zhaoxian_monthly[4],
        user=staff,
        text=f"{zhaoxian_monthly[4].period}：排查生产经营单位8家，发现隐患5处，整改3处。",
        percent_done=HALF_DONE,
    )
    services.review_progress_report(
        report, user=leader, accept=False, comment="请补充未整改隐患的整改期限和责任人。"
    )
    services.submit_progress_report(
        zhaoxian_monthly[5],
        user=staff,
        text=f"{zhaoxian_monthly[5].period}：排查生产经营单位10家，发现隐患4处，已全部整改。",
        percent_done=100,
    )
    database = slots.get(org_unit=units["招贤镇"], assignment__task__title="健全重大事故隐患数据库")
    report = services.submit_progress_report(
        database,
        user=staff,
        text="已建立镇级重大事故隐患数据库，企业自查、督导检查和群众举报的隐患全部录入。",
        percent_done=100,
    )
    services.review_progress_report(report, user=leader, accept=True)
    meiling = monthly.filter(org_unit=units["梅岭镇"]).first()
    services.submit_progress_report(
        meiling,
        user=users["township_staff_b"],
        text=f"{meiling.period}：排查民宿、农家乐等经营场所15家，发现消防隐患6处。",
        percent_done=HALF_DONE,
    )


def _checklist(plan, unit, staff) -> Checklist:
    checklist = services.create_checklist(
        user=staff,
        org_unit=unit,
        kind=Checklist.Kind.ANNUAL_KEY_TASKS,
        title="招贤镇2024年度安全生产重点工作任务清单",
        year=2024,
        plan=plan,
        items=[text for text, _note in CHECKLIST_ITEMS],
    )
    for item, (_text, note) in zip(checklist.items.all(), CHECKLIST_ITEMS, strict=True):
        if note:
            services.tick_checklist_item(item, user=staff, done=True, note=note)
    return checklist
