"""The default checklist of every stage (DOMAIN.md "The lifecycle of one village's election", seed 001).

The data is written out here rather than imported from the app, so that this migration keeps meaning what
it meant when it ran. A province adds its own steps under its region in the admin; these stay the defaults.
"""

from django.db import migrations

# (code, stage, order, title, guidance, deadline kind, cycle setting, days, source, required)
STEPS = [
    # 1. Preparation 选举准备
    ("prep_organization", "preparation", 10, "组建换届工作机构",
     "成立换届选举工作领导（指导）小组和“换届办”，设立乡镇指导组，明确包村领导和责任人。",
     "none", "", None, "", True),
    ("prep_investigation", "preparation", 20, "全面调查摸底",
     "逐村摸清基本情况、班子运行、党员队伍、后备力量、思想动态、信访矛盾和换届不利因素；"
     "排摸35周岁以下大专以上文化程度和女性合适人选。", "none", "", None, "", True),
    ("prep_analysis", "preparation", 30, "分析研判",
     "研判突出问题，提出对策和换届人事安排初步方案，形成专题报告；不能落实年龄学历或“一肩挑”要求的作专项说明。",
     "none", "", None, "", True),
    ("prep_risk_assessment", "preparation", 40, "选情风险评估（三色评定）",
     "按选情指数评定红、橙、绿三色；红色村先集中整顿，“不销号、不撤组、不启动换届”，必要时报县委批准暂缓换届。",
     "none", "", None, "", True),
    ("prep_rectification", "preparation", 50, "集中整顿",
     "坚持先整顿再换届，软弱涣散村和选情复杂村“一村一策”整顿，化解影响换届的问题隐患。其他村可记为不适用。",
     "none", "", None, "", False),
    ("prep_work_plan", "preparation", 60, "制定换届工作方案",
     "结合摸底和研判，制定本村换届选举工作方案，明确程序步骤、时间进度和责任人，做到时间到天、任务到人。",
     "none", "", None, "", True),
    ("prep_audit", "preparation", 70, "离任经济责任审计",
     "先审计后换届：对现任“两委”成员进行离任经济责任审计，审计结果向村民公开。"
     "审计未完成的村不得开展选举阶段工作。在“离任审计”页面记录，完成后自动勾选。",
     "none", "", None, "outgoing_audit", True),
    ("prep_finance_cleanup", "preparation", 80, "财务集中清理",
     "清理村级“三资”（资金、资产、资源），在“离任审计”页面记录清理结果。",
     "none", "", None, "finance_cleanup", True),
    ("prep_conversations", "preparation", 90, "谈心谈话和宣传教育",
     "与所有现任“两委”成员谈心谈话，正职由乡镇党委书记和组织委员一起谈；在党员群众中开展换届政策法规教育。",
     "none", "", None, "", True),
    ("prep_training", "preparation", 100, "换届业务培训",
     "坚持先培训再换届，对换届工作人员和“两委”干部进行全员培训。", "none", "", None, "", True),
    ("prep_pledges", "preparation", 110, "签订换届纪律“三个100%”",
     "乡镇和村党组织书记签订换届纪律责任书、候选人签订承诺书、工作人员签订保证书。",
     "none", "", None, "", True),
    ("prep_mobilization", "preparation", 120, "召开动员部署会议",
     "召开村“两委”换届选举工作动员部署会议。", "none", "", None, "", True),
    # 2. Party organization election 党组织换届（“两推一选”）
    ("party_recommendation", "party_election", 210, "党员推荐和群众推荐",
     "召开党员大会和村民（代表）会议全额推荐；候选人初步人选不少于应选人数的1.5倍（3名委员不少于5人，5名委员不少于7人）。",
     "none", "", None, "", True),
    ("party_review", "party_election", 220, "资格联审",
     "乡镇党委初审，县委组织部、民政局会同有关部门联审；不符合条件的一律取消资格，“谁审核、谁负责”。",
     "none", "", None, "", True),
    ("party_inspection", "party_election", 230, "组织考察",
     "通过民主测评、个别谈话、实地查看等方式考察；书记人选由县级组织部门联合考察。", "none", "", None, "", True),
    ("party_preliminary_notice", "party_election", 240, "确定候选人预备人选并公示",
     "委员候选人预备人选比应选人数多1人差额确定，在全村范围内公示；公示后报乡镇党委批复。",
     "none", "", None, "", True),
    ("party_assembly", "party_election", 250, "党员大会选举",
     "党员大会差额选举产生新一届委员会；委员会全体会议选举书记、副书记。到会党员须超过应到会人数的五分之四。",
     "none", "", None, "", True),
    ("party_result_approved", "party_election", 260, "选举结果报批",
     "新一届党组织委员会书面报告选举情况，乡镇党委及时批复。", "none", "", None, "", True),
    # 3. Villagers' committee election 村民委员会选举
    ("committee_election_committee", "committee_election", 310, "推选村民选举委员会",
     "一般不少于5人，以奇数为宜；近亲属不得同时担任；成员被提名为候选人的应当退出，按原推选结果依次递补。",
     "none", "", None, "", True),
    ("committee_plan", "committee_election", 320, "选举工作方案通过并公布",
     "村民委员会选举工作方案经村民（代表）会议讨论通过并公布。", "none", "", None, "", True),
    ("roll_published", "committee_election", 330, "选民名单张榜公布",
     "选民名单须在选举日的二十日前在村委会所在地和各村民小组张榜公布。在“选民名单”页面公布，完成后自动勾选。",
     "before_election", "roll_publication_days", None, "roll_publication", True),
    ("roll_objections", "committee_election", 340, "选民名单异议处理",
     "对选民名单有异议的，村民选举委员会应当自收到申诉之日起三日内作出解释或补正。"
     "收到申诉时记录“开始日期”；没有申诉的记为不适用。",
     "after_opened", "objection_answer_days", None, "", False),
    ("nomination", "committee_election", 350, "村民直接提名（海选）",
     "由登记参加选举的村民直接提名，任何组织或个人不得指定、委派；应当有妇女候选人，落实近亲属回避。",
     "none", "", None, "", True),
    ("committee_review", "committee_election", 360, "候选人资格审查和考察",
     "按村、乡镇、县级联审程序进行资格审查，由乡镇党委考察。", "none", "", None, "", True),
    ("candidates_published", "committee_election", 370, "正式候选人名单张榜公布",
     "正式候选人名单应当在选举日的五日前分不同职务、按照姓氏笔画顺序张榜公布。",
     "before_election", "candidate_list_days", None, "", True),
    ("voting_notice", "committee_election", 380, "公布投票时间、地点和方式",
     "村民选举委员会应当提前三日公布选举投票的具体时间、地点和投票方式。",
     "before_election", "voting_notice_days", None, "", True),
    ("voting_held", "committee_election", 390, "投票选举并当场公布结果",
     "召开选举大会集中投票，设秘密写票处，严格控制流动票箱；无记名投票、公开唱票计票，当场公布选举结果。"
     "选民名单和正式候选人名单须已按期公布。",
     "before_election", "", 0, "", True),
    # 4. Supervision committee and supporting bodies 村务监督委员会和配套组织
    ("supervision_elected", "supervision", 410, "推选村务监督委员会",
     "由村民会议或村民代表会议推选3至5人，主任原则上由党组织纪检委员担任；"
     "村民委员会成员及其近亲属、村会计（报账员）、文书、集体经济组织负责人不得担任。",
     "none", "", None, "", True),
    ("supporting_bodies", "supervision", 420, "健全配套组织",
     "推选村民代表、村民小组长，健全团组织、妇女组织，原则上由“两委”女性成员兼任妇联主席。",
     "none", "", None, "", True),
    # 5. Handover and follow-up 交接和后续工作
    ("handover_done", "handover", 510, "新老班子交接",
     "上一届“两委”应当在选举结果产生后十日内移交公章、档案和“三资”；移交中的问题及时依法处理。"
     "在“交接”页面登记清单并签字确认，确认后自动勾选。",
     "after_result", "handover_days", None, "handover", True),
    ("duties_divided", "handover", 520, "成员分工", "新一届“两委”进行成员分工，保证村级事务正常运转。",
     "none", "", None, "", True),
    ("pre_service_training", "handover", 530, "岗前培训",
     "书记、主任和村务监督委员会主任至少参加一次县级以上集中培训。", "cycle_date", "", None, "", True),
    ("summary_report", "handover", 540, "换届工作总结", "形成书面总结报告报乡镇党委。",
     "none", "", None, "", True),
    ("archive_filed", "handover", 550, "选举工作档案归档",
     "收集、整理换届选举文件资料，建立选举工作档案，妥善保管；可导出全村换届档案压缩包。",
     "none", "", None, "", True),
]


def _steps_model(apps):
    try:
        return apps.get_model("elections", "StepDefinition")
    except LookupError:
        # The model lives in the lifecycle app since lifecycle 0001 (same table): tests that flush the
        # database reload these rows through the current registry.
        return apps.get_model("lifecycle", "StepDefinition")


def load(apps, schema_editor):
    StepDefinition = _steps_model(apps)
    for code, stage, order, title, guidance, kind, setting, days, source, required in STEPS:
        StepDefinition.objects.update_or_create(
            code=code,
            defaults={
                "stage": stage,
                "order": order,
                "title": title,
                "guidance": guidance,
                "deadline_kind": kind,
                "deadline_setting": setting,
                "deadline_days": days,
                "source": source,
                "required": required,
            },
        )


def unload(apps, schema_editor):
    StepDefinition = _steps_model(apps)
    StepDefinition.objects.filter(code__in=[s[0] for s in STEPS], region__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("elections", "0002_workflow")]
    operations = [migrations.RunPython(load, unload)]
