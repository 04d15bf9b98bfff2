"""
---
title: 上限付きスタック
summary: 容量を超えては伸びないリスト。
---

# 上限付きスタック

*スタック*は最後に入れた要素を一番上に置きます。このスタックは最大 $n$ 個までしか持たないので、`push` は $O(1)$ で済み、要素の数 $|s|$ は常に次を満たします。

$$
0 \le |s| \le n
$$
"""


class Stack:
    """最大 ``capacity`` 個の要素を持つスタック。

    >>> s = Stack(2)
    >>> s.push("a"); s.push("b")
    >>> s.pop()
    'b'
    """

    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []

    # 満杯のスタックは、伸びる代わりに新しい要素を断ります。容量を超えて **push** すると例外が起きます。
    #
    # `OverflowError` については [Python の組み込み例外](https://docs.python.org/ja/3/library/exceptions.html)を参照してください。
    def push(self, item):
        if len(self.items) == self.capacity:
            raise OverflowError("stack is full")
        self.items.append(item)

    def pop(self):
        return self.items.pop()


# %% 動かしてみる
stack = Stack(3)
stack.push(1)
