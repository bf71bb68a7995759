X = "a"
for i in range(100):
    X = X + X
