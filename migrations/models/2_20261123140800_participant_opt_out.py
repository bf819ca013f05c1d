"""Participants can opt out of rankings (still scored). Both dialects, like 0_init."""

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
ALTER TABLE "participants" ALTER COLUMN "opted_out" DROP DEFAULT;"""

SQLITE = """
ALTER TABLE "participants" ADD "opted_out" INT NOT NULL DEFAULT 0;"""


MODELS_STATE = (
    "eJztXW1zozgS/isqf9lMVTY1dl4vdXVVjsPM+MaxU7Yzu7fjLaIYxaGChRdwEt/e/Pdr8W"
    "JAgAMOMJjoi40ltYCn9dL9qCX/3ZjrCtHMgzGhmFqNc/R3g+I5gQsuZx818GLhp7MEC99p"
    "dlHLLmOn4TvTMvCUVXWPNZNAkkLMqaEuLFWnkEqXmsYS9SkUVOnMT1pS9a8lkS19RqwHYk"
    "DG9z8hWaUKeSGm93PxKN+rRFNCz6oq7N52umytFnZal1qf7ILsbnfyVNeWc+oXXqysB52u"
    "S6vOO84IJQa2CKveMpbs8dnTuS/qvZHzpH4R5xEDMgq5x0vNCrzuneynNWS5PxjLI2ksy4"
    "0MAE11ysBVGdTs7WfsEX5tNY9Oj84OT47OoIj9mOuU0x/OrX1gHEEbnv648cPOxxZ2StgY"
    "+6Ca2nIWhbXzgI14XL3yHLLwyDyyHo7VhXaOX2SN0Jn1AD9Pjjbg+K097HxpD/dOjj6wG+"
    "rQ+J1O0XdzWnYWg9qH1v7OAK1XPh9ovQQfW7+rlg5u6+PHFOhCqUR47bwwvnNiYdauoxj/"
    "ezTox2MclOFwVtSphf6HNNWMDBJ54d345/2SThmU6G6papZKzQN22381CtLCBtAZRqzmuW"
    "n+pQWx3rtq/86rodMbXNiQ6aY1M+xa7AouOJVMDcIgk7EVVcol5FjqnMQrJizJq8YVPfAu"
    "drFDwAsqA6qt3FFug2rG3StpNG5fXYf0c9keSyynZaeuuNS9E05n60rQb93xF8R+oj8GfY"
    "lX47rc+I8Geya8tHSZ6s8yVgIDspfqofaDzdL3j4EphSXc4enjMzYUOZTjN48FNix1qi48"
    "OyLcQC5c6U9fh0TDNr7RpuAaLNd+TTvYFn54rd9L9dtEoC9hGD4VbMgLYqi68kbAOm5t13"
    "ZldcVMgz5GjDsdQHkjXj2/pncAlgzzoqFO88Psyq6vrsjlgtZ7gEjGM5hnZvBuuYDV9mqr"
    "K2rmVDeITJ7ImyfIEatJYhXVFisLUwVqeStQbjV1gonZYnpLT7LOolnz1pxPwRTP7Fdi92"
    "Z3irG8YpgkzjBLppN4WzBfTum7S1exmsmLRQyKNVlVGn9yZFOwnJedmny6UGfvhX/6R6t1"
    "eHja+nh4cnZ8dHp6fPZxTURFszYxUhfdz4yU2g+6Kq+zVEEVRtSQzKhwYlsRKy7YVenzJf"
    "AqgrcqFl8YV6PwjuZY0xJHE1fk9eFkBxqwM6Actk5P1kMI+7Fp0BhdtXs9b5QIAKkoBjFj"
    "5v/kthoQKa+5Noqi98KN9ThVYz3e0FiPo401ME07UGUAO062RNQhU31SlSXWysH/sJUC/s"
    "NWIvosKwy+vmCUqL6MYVMvdB38dxoPfEiOQ/wOBIuCfJ1SLpV9MRj0QlTpRZezMPo3VxfS"
    "cK9pYw+FVCtkeIg1BbGmsIucQs3WFIJaXy6ULbUelhRar4rWPYwCao9wOo4zHuvlJdrGIZ"
    "mtLOTKKTiHmI/I+hwPchThT7pB1Bn9SlY20F3KGLZpnNUWiRraMYCTiDNINvDzmv0JNy14"
    "f3hr4lgOQ2jpw24HkE6z7ilYcMGCCxa8bJiKZMG55fQYIjy64J7Mhcct9b/KhzfaiN1SQS"
    "Y42Ei/R9YDQc6I9YuJvCrRHmTiKVbIXJ1CtjHfRxiZBJs6/XBuy7g3hSoaHOAF3GJCx9Lw"
    "CkFrQyOpDeY+clbrDxr7rxL5j9DC7G+yihD5Imq0zKhRTxNRJkiiy3nEfAhh7MlWmS4GY7"
    "jb+885sr8m9DdJ+sp+Ot8TejXoj7+wBPfCadTniH1OqNOuz932PaHtXk9mtvE58q4mtHMz"
    "Gg9Awvnm+10atuksBdl0lsg1nfFUE+tTsQqN7yhu8SrrcEsWr3mSAtgm7yP5yLKsXVtPKY"
    "mgLmQ1BUYZwzK34AlCgjWkCXaXFoiyQWBnbKPigJhQcKUVLIifvMw2Qfz8dOKnSMczGJcc"
    "43VyYcvJLicfKV1c+JXw1n66tyZse7HHbzet++CTRWAek5eEkYETq4EntcnYk34fh+y8yK"
    "r72tbrDfqfveL8Ujy36g7AzHQj08ARlKkB5EWPHZUIrapadGDBEVXM1ZOf4eXAD4mF+3X+"
    "kquixIbu0YcZG/z7IzMrwwlVrHfViTGoBCUk9FscIwQa+K9OM82KQZkSx+WbcWdXbRBTNy"
    "xZNxRibDsdhmsoEfVLaZQVdlsGJkL4hJmMXbbdOjIqIo0ektUQ0YKB6aPMSJptlRCqoEQd"
    "dAZX1zBUjLtO3G8WVQREwXLwf0zopdQfSUxL8DWhg+Flt9/unSP3Yht1NZtp1vSayWt6zc"
    "jZM1A9ofAMcSFdiYQVJ1Wj7Txv5K58YJ9UU71TNdVK8Dxf7wvhGkrsDGOp33a2NmbpB9c3"
    "F70ujETONzO+WS3M/GbfE3o97H6D+RgKOBfbtP9NKvCa/2li6z/lGz9rwiuoTLPipo3kjR"
    "K8nNgssZm22WKzhArGLbzfU8xMsnHHUEiuxB1DHs2+sxuGFNWwVrKpuiNRFleEExXuSJXd"
    "EbELKXmu2c39KGIX0nvUekxnF7uQRDBKfYNRcj617N2c8Sb2bIl9SNXfhxTtjpuDwvw+my"
    "o0LHguZN4RYlo4VM25k4gU+6mRYs8w9T7ETcqajhOg9UU4eO+ZTFH9uHnwsdhuHIff5eDm"
    "oieh66HU6Y5cyts3XO3MMF0wlNq9CF9gLjS8kheGqhuxLGdiI44TLc/SLArvvAnk4OiVaY"
    "yICgozPv6EHHawayZoQzIC1RhUhcuZF6rC5SzJ5UwYdHOAt55nr/MYR+ebENCd9qjTvpQa"
    "MYNvDhDXznfn0Q1NOZXawZPsp6Vxzgp0yMSWneo4YmLLjtiyI7bs7Pb+kbK37MBbxxi3yQ"
    "3bK18DqIveNmKP08l7dF4PSgtVUCLgThxLRthdqXPkfE8ozFfSZ5bgXkzo5c2w7YRuelcT"
    "ei0NOxILXXMvGluoLueNIN4iTuxYlE5zXBUl6m50c5VVcSByjuBjQjuDG6YK+2tCYVQ5R/"
    "ABV13QGXxMaPvb53MEHxPaa4+gKPvcRmXHKVR2nHzkOK+yB3UGFqmsmvIdsWIDDDcGssWJ"
    "i3i29PFsIs4pudnvZsRLmjgnQT82BP1YHfImr4iXQv4OsnbUmQh72R4ucUhxEkrFU6h+40"
    "rkUkPt7zVSlfuzytcP4B1QghzRX0xkLCkFoNC6EnSvG0iHIoGzGuC3nWQPJEh1fjiH4x7w"
    "tnfO1U/ohEIjM1Yo4NEg1USPZGEh8gJvqq320bMKTXRpIbAtpti5pdPGbb/CPrcXfAZ0b+"
    "hzdHtr6RbWbm8nlKXf3k71JbVub/eZq2EXBUfDKwo+gzpfzm9vkVN2rlLn977teTjF2FnB"
    "T1hbEvew4QnVmDos5xnQ3t0KJPXpdGkYtqXJpKEYdfNVZR+ZOsKISf2KDUN9Yi+gazB2u0"
    "UUnZiI6taE6gDGswGGMJSn5JnYaH5IPoeYW+NarM91XoT/8jCPQCbxz4Isr4x/FvTVmJY2"
    "Cyi+foxw/qff2mNCtha+FqlNdFMpjTzgabBhOcbRSI7iW0uUGcS3oyF87syVCd+ATJkIF2"
    "/4FQayYy5kA9mXESCnAVnDpiXb9lYmnMNiAurUUGcnVQNiNWRUd4RB9TDZSKHamrJ9jFga"
    "dZO9ExGtE5tasukjwr9F+PfuoRo8zjPr6BGVrRPEZXtOYiFMLITt1kKYiMMvPw6fo3zfiP"
    "N1uLaa4hydp8R+h/ew3yGwvBmzThde/ExeouP/E7a4zQ+mvjScpuRcMUz5xZzv/AgQWJNq"
    "QNlgfX4bDhUS60GVXA/KzoYJIiwTERbsBBGYN5NhnKggxCpNiPnjaNqVVV+ihiurRZzd7U"
    "1PmTGOd1brAHMhW5qwfWTshg0g8VhzYrXbZ5N/k4bbWeQlZmJIPlQ4ICLOEw7NDXmcJyy2"
    "AyT3hfpuBxAkf0OQ/HXz+QTJL0j+SlJ3WUl+QT4L8rla6FaYfPbOk42jngNnzW4gnoMH2x"
    "Z8Bmr8noIo+ZwoZrPkDgGdWCZwMr0goatJQotNCQVvSnD6SXRkT2b51xIiQP5Viv+JGGbs"
    "iRubRpCAUHnmdbMGw4j4t5J3trAiQlwFTyN4GsHTCJ6m2jyNCMYUwZhVxTktH/ZzWJs2eL"
    "PTh0YMZ+Pm7G9ibLBfJle65i0HOrwX4qSwA5ETfcpkTiTZo6wDKdI6TnPwIpRKDnQ5jhy+"
    "yDpVBoTd4jVEt5kqjKi5IYyoGQ0jskNV4iapV6JbYg/DKCG65ef447nFsUSM3jInsx//Bz"
    "n7WlU="
)
