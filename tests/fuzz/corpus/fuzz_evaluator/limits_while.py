while True:
    X = 1
