import os
SECRET_KEY: str = os.environ.get("SECRET_KEY", "")
DEBUG: bool
A = B = C = 1
(X, Y), Z = (1, 2), 3
first, *rest = [1, 2, 3]
COUNT = 10
COUNT += 1
COUNT **= 2
COUNT //= 3
if (n := len(os.environ)) > 10:
    BIG = True
VALUE = -(~5) + 2 ** 70 + 1e308 * 10 - 0x_ff
RAW = rb"\x00bytes" + b"more"
LAMBDA = lambda x: x
ELLIPSIS = ...
SLICED = "abcdef"[1:-1:2]
CHAIN = 1 < 2 <= 3 != 4 is not None
def helper():
    return 1
class Config:
    DEBUG = True
with open(os.devnull) as f:
    pass
global SOMETHING
async def coro():
    await helper()
match COUNT:
    case 1:
        pass
