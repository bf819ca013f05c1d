"""Participants can opt out of rankings (still scored) and have an avatar; standings keep a
snapshot of the name and avatar as of their last change. Both dialects, like 0_init."""

from tortoise import BaseDBAsyncClient

RUN_IN_TRANSACTION = True


async def upgrade(db: BaseDBAsyncClient) -> str:
    if db.capabilities.dialect == "sqlite":
        return SQLITE
    return POSTGRES


async def downgrade(db: BaseDBAsyncClient) -> str:
    return """
        """


POSTGRES = """
ALTER TABLE "participants" ADD "opted_out" BOOL NOT NULL DEFAULT False;
ALTER TABLE "participants" ALTER COLUMN "opted_out" DROP DEFAULT;
ALTER TABLE "participants" ADD "avatar_url" VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE "participants" ALTER COLUMN "avatar_url" DROP DEFAULT;
ALTER TABLE "standings" ADD "display_name" VARCHAR(200);
ALTER TABLE "standings" ADD "avatar" VARCHAR(500);"""

SQLITE = """
ALTER TABLE "participants" ADD "opted_out" INT NOT NULL DEFAULT 0;
ALTER TABLE "participants" ADD "avatar_url" VARCHAR(500) NOT NULL DEFAULT '';
ALTER TABLE "standings" ADD "display_name" VARCHAR(200);
ALTER TABLE "standings" ADD "avatar" VARCHAR(500);"""



MODELS_STATE = (
    "eJztXW1z4jgS/isqvmymKpsaSEhyqaurIsQzww0JKSCzeztsOQpWiCtGZm2ThNub/34tv2"
    "BbtolNbI9x9AWMpJbtp1tS61FL/N2Y6wrRzIMxoZhajTP0d4PiOYELLmcfNfBi4aezBAvf"
    "aXZRyy5jp+E70zLwlFV1jzWTQJJCzKmhLixVp5BKl5rGEvUpFFTpzE9aUvWvJZEtfUasB2"
    "JAxvc/IVmlCnkhpvdz8Sjfq0RTQs+qKuzedrpsrRZ2Wo9an+yC7G538lTXlnPqF16srAed"
    "rkurzjvOCCUGtgir3jKW7PHZ07kv6r2R86R+EecRAzIKucdLzQq87p3spzVk+WowlkfSWJ"
    "YbGQCa6pSBqzKo2dvP2CP82moenRydHh4fnUIR+zHXKSc/nFv7wDiCNjxX48YPOx9b2Clh"
    "Y+yDamrLWRTW7gM24nH1ynPIwiPzyHo4VhfaOX6RNUJn1gP8PD7agOO3zrD7pTPcOz76wG"
    "6og/E7jeLKzWnZWQxqH1r7OwO0Xvl8oPUSfGz9plo6uK2PH1OgC6US4bXzwvjOiYWZXUcx"
    "/vdocBWPcVCGw1lRpxb6H9JUM9JJ5IV345/3SzplUKK7papZKjUP2G3/1ShICxtAZxixmu"
    "em+ZcWxHrvsvM7r4Zuf3BuQ6ab1sywa7ErOOdUMjUIg0zGVlQpF5BjqXMSr5iwJK8aV/TA"
    "u9jFBgEvqAyotnJ7uQ2qGfcupdG4c3kd0s9FZyyxnJaduuJS9445na0rQb/1xl8Q+4n+GF"
    "xJvBrX5cZ/NNgz4aWly1R/lrES6JC9VA+1H2yUvn8MDCks4Q5PH5+xocihHN88Ftiw1Km6"
    "8PyIsIGcu9Kfvg6Jhm18o6bgOizXfk07aAs/POv3Un2bCLQlDN2ngg15QQxVV94IWNet7d"
    "qurK6YadDGiHGnAyhvxKvv1/QOwJJhXDTUaX6YXdr11RW5XNB6DxDJeAbjzAzeLRewOl5t"
    "dUXNnOoGkckTefMAOWI1Sayi2mJlYapALW8Fyq2mTjAxX0xv6UneWTRr3przKZjimf1K7N"
    "7sTjGeVwyTxDlmyXQS7wvmyyl9d+kqVjN5sYhBsSarSuNPjmwKlvOyU5NP5+rsvfBP/2i1"
    "Dg9PWh8Pj0/bRycn7dOPayIqmrWJkTrvfWak1H5wqvI6SxVUYUQNyYwKJ7YVseKCXZU2Xw"
    "KvInirYvGFfjUK72iONS2xN3FFXu9OdsCAnQ7lsHVyvO5C2I9NncbostPve71EAEhFMYgZ"
    "M/4n22pApDxzbRRF74WNtZ3KWNsbjLUdNdbAMO1AlQHsONkSUYdM9UlVllgrB//DVgr4D1"
    "uJ6LMszsCfYEA05KWhZbLxkJQw8zRmri8Y+awvY3jrc13XCKbxWIfkOKjvQLAorNcp5S4a"
    "nA8G/RApfd7jfLmrm8tzabjXtMGHQqoVcvHE6o1YvdlF9qZmqzdBrS8XypZaD0sKrVdF6x"
    "5GAbVH2DOH9oidTyfOQkIyW81FKqfgHKJrIiuhPMhRhD/pBlFn9CtZ2UD3KOMyp3H+cSQ+"
    "a8cATqIoIdnAz2ueLWxa8P7w1sTxHIZg6cNeF5BOs8Is1hvEeoNYbygbpiLXG7jAhZglh2"
    "hoQ/KqQ1xQxasrD40OYrdUkLnAFOn3yHogyOmxfjGRVyXag0w8xQqZq1PINub7CCOTYFOn"
    "H85sGfemUEWDA7yAW0zoWBpeIrA2NJI64O4jJy7ioLH/6pLJI1iY/U1WkSUTEZ9bZnyup4"
    "ko+SPR5TziPoQw9mSrTMyDM9zr/+cM2V8T+pskfWU/ne8JvRxcjb+wBPfCMeozxD4n1LHr"
    "M9e+J7TT78vMNz5D3tWEdm9G4wFION98u0tDOJ2moJtOE8mmU55qYm0qVqHxDcUtXmUdbk"
    "nkNY9TANvk50g+sixr11auSuJIC1m3gl7GsMwteIKQYA1pgt2lBaJsEPgZ26g4ICYUXGkF"
    "C+InL7dNED8/nfgpcuIZjACPmXVyAeLJU04+Jr24QDcxW/vpszXh24vdlLvp3QefLALzmL"
    "wk9AycWA1mUpucPen3ccjPi6y6r329/uDqs1ecX4rnVt0BmJluZOo4gjI1gLzovqMSQWxV"
    "i8MsOHaNTfXkZ3g5mIfEwv06f8lVUaKhe/RhRoN/f2RmZTihirWuOjEGlaCEhH6LY4RAA/"
    "/VaaZRMShTYr98M+7uqg9i6oYl64ZCjG2Hw3ANJaJ+IY2ywm7LwEAInzCSscuOW0dGRaTR"
    "Q7IaIlowMH2UGUmzrRJCFZSog+7g8hq6inHPifvNooqAKHgO/o8JvZCuRhLTEnxN6GB40b"
    "vq9M+Qe7GNuprNNGt6zeQ1vWbklB+onlB4hriQrkTCipOq0capN3JXPrBPqqneqZpqJcw8"
    "X28L4RpKbAxj6arjbCLN0g6ub877PeiJnG/mfLNamPvNvif0etj7BuMxFHAutrH/TSrwzP"
    "8k0fpPeONnJryCyjQrbthI3ijBy4nNEptpmy02S6jg3ML7PcWMJBt3DIXkStwx5NHsO7th"
    "SFENayWbqtsTZZmKcKJiOlLl6YjYhZQ81uzmfhSxC+k9aj2msYtdSCIYpb7BKDmfD/duTt"
    "MTe7bEPqTq70OKNsfNQWF+m00VGhY8gTPvCDEtHKrm3ElEiv3USLFnGHof4gZlTccJ0Poi"
    "HLz3TKaodtw8+FhsM47D72Jwc96X0PVQ6vZGLuXtO652ZpguGEqdfoQvMBcaXskLQ9WNWJ"
    "Yz0YjjRMvzNIvCO28COdh7ZeojooLCjY8/IYcdoZsJ2pCMQDUGVTHlzAtVMeUsacqZ0Onm"
    "AG89T7nnMY6ONyGgu51Rt3MhNWI63xwgrt3cnUc3NORUagdP8jwtzeSswAmZ2LJTnYmY2L"
    "IjtuyILTu7vX+k7C078NYxzm2yYXvlawB10dtG7H46eY/O60FpoQpKBNyJY8kIuyt1hpzv"
    "CYXxSvrMEtyLCb24GXac0E3vakKvpWFXYqFr7kVjC9XlvBHEW8SJ7YvSaY6rokTdjW4usy"
    "oORM4QfExod3DDVGF/TSj0KmcIPuCqBzqDjwntfPt8huBjQvudERRln9uorJ1CZe3kU695"
    "lT2oM/BIZdWU74gVG2C4MZAtTlzEs6WPZxNxTslmv5sRL2ninAT92BD0Y3XIm7wiXgr548"
    "3aUWci7GV7uMQhxUkoFU+h+saVyKWG7O81UpX7W9DXD+AdUIIc0V9MZCwpBaDQuhJ0rxtI"
    "hyKBsxrgt51kdyRIdX44h+Me8L53ztVP6ISCkRkrFJjRINVEj2RhIfICb6qt9tGzCia6tB"
    "D4FlPs3NKxcXteYZ/bC3MGdG/oc3R7a+kW1m5vJ5Sl395O9SW1bm/32VTDLgoTDa8ozBnU"
    "+XJ+e4ucsnOVOr/37ZmHU4ydFfyEtSVxDxueUI2pw3KeAe3drUBSn06XhmF7mkwailE3X1"
    "X2kakjjJjUr9gw1Cf2AroGfbdbRNGJiahuTagOYDwb4AhDeUqeiY3mh+RziLk1rsX6XOdF"
    "+M8l8whkEv/hyPLK+A9HX41pabOA4uvHCOd/+q3dJ2Sz8LVIbaKbSjHywEyDdcsxE43kKL"
    "61RJlBfDsawueOXJnwDciUiXDxjl9hIDvuQjaQfRkBchqQNWxasu1vZcI5LCagTg11dlI1"
    "IFZDRnVHGFQPk40Uqq0pe44RS6Nu8ncionViU0t2fUT4twj/3j1Ug8d5Zu09orJ1grjsmZ"
    "NYCBMLYbu1ECbi8MuPw+co3zfifB2uraY4R8cpsd/hPex3CCxvxqzThRc/k5fo+P+ELW7z"
    "g6kvDceUnCuGKb+Y853vAQJrUg0oG6zPt+FQIbEeVMn1oOxsmCDCMhFhwUYQgXkzGcaJCk"
    "Ks0oSY34+mXVn1JWq4slrE2d3e8JQZ4/jJah1gLmRLE7aPjN2wASQea06sdvts8jdpuJ1F"
    "XmIGhuRDhQMi4jzh0NiQx3nCYjtAcluo73YAQfI3BMlftzmfIPkFyV9J6i4ryS/IZ0E+Vw"
    "vdCpPP3nmycdRz4KzZDcRz8GDbgs9Ajd9TECWfE8VsltwhoBPLBE6mFyR0NUlosSmh4E0J"
    "TjuJ9uzJLP9aQgTIv0rxPxHDjD1xY1MPEhAqz71u1qAbEf9W8s4WVrxzoLMeZMbL1e//wo"
    "sh/59gmE74e9QE3n8tUT+I26kgbm+AuB2FWARtC+ZRMI+CeRTMY7WZRxFeLMKLq4pzWob3"
    "5/CQHWKo04dGDAvp5uxv4iCxXyZXAvItR5S8FyqwsCO+E1mS5IlFMkdSB5qv1U5zlCiUSp"
    "69tSPHibJGlQFht3gN0W2mmrg1N0zcmtGJmx18FTdIvRKvFXu8SwnxWj+HYcotMivi9JY5"
    "mP34P8k0smU="
)
