"""Made-up people for the disputes demo generators (``demo.py``, ``demo_grid.py``): names
and mobile numbers drawn from the generator's seeded random source."""

from __future__ import annotations

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "建国华明丽芳军伟秀英敏静强磊洋艳勇杰娟涛超霞平刚桂兰玉梅红云亮成龙海燕飞鹏辉波林"


def person_name(rng, surnames: str = SURNAMES) -> str:
    return rng.choice(surnames) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 999999999):09d}"
