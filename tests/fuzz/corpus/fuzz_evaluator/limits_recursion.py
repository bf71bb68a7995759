def f():
    return f()
X = f()
