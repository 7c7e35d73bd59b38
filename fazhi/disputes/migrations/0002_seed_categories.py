from django.db import migrations

DISPUTE_CATEGORIES = [
    "婚姻家庭", "邻里", "土地承包", "宅基地", "山林水利", "劳动争议", "道路交通事故",
    "医疗", "物业", "征地拆迁", "合同", "损害赔偿", "其他",
]
HOTLINE_CATEGORIES = [("咨询", 2), ("求助", 10), ("建议", 10), ("投诉", 15), ("举报", 15)]


def seed(apps, schema_editor):
    DisputeCategory = apps.get_model("disputes", "DisputeCategory")
    HotlineCategory = apps.get_model("disputes", "HotlineCategory")
    for i, name in enumerate(DISPUTE_CATEGORIES):
        DisputeCategory.objects.get_or_create(name=name, defaults={"order": i})
    for i, (name, days) in enumerate(HOTLINE_CATEGORIES):
        HotlineCategory.objects.get_or_create(name=name, defaults={"order": i, "deadline_days": days})


class Migration(migrations.Migration):
    dependencies = [("disputes", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
