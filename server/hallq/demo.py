"""The demo hall: the county power-supply company's customer service hall this product starts from."""

from sqlmodel import Session

from hallq import board, halls

SERVICES = [
    (
        "A",
        "业扩申报",
        "New connection",
        [
            "有效身份证件原件及复印件",
            "房屋产权证明或租赁合同",
            "用电申请表（取表填单区领取）",
            "企业客户另带营业执照及授权委托书",
        ],
        [
            "ID card (original and copy)",
            "Property deed or lease",
            "Power application form (at the forms desk)",
            "Businesses: licence and letter of authorisation",
        ],
    ),
    (
        "B",
        "电费管理",
        "Billing & payment",
        ["电费户号或缴费卡", "开具增值税发票需带税务登记信息"],
        [
            "Account number or payment card",
            "For a VAT invoice: tax registration details",
        ],
    ),
    (
        "C",
        "综合业务",
        "General business",
        ["有效身份证件", "电费户号", "过户、更名需双方身份证件及产权证明"],
        [
            "ID card",
            "Account number",
            "Change of owner or name: both parties' ID and property deed",
        ],
    ),
    (
        "D",
        "故障报修",
        "Fault repair",
        ["户号或用电地址", "联系电话", "故障情况说明（可现场口述）"],
        [
            "Account number or supply address",
            "A contact phone number",
            "What is wrong (you may tell us here)",
        ],
    ),
]


def seed_demo_hall(session: Session) -> None:
    hall = halls.create_hall(session, slug="main", name="客服大厅", name_en="Customer Service Hall")
    services = [
        halls.add_service(
            session,
            hall,
            code=code,
            name=name,
            name_en=name_en,
            documents=docs,
            documents_en=docs_en,
        )
        for code, name, name_en, docs, docs_en in SERVICES
    ]
    # Two windows per service: 1-2 serve A, 3-4 B, 5-6 C, 7-8 D.
    for number in range(1, 9):
        halls.add_window(session, hall, number=number, services=[services[(number - 1) // 2]])
    board.seed_demo(session, hall)
