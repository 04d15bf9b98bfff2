"""
---
title: A bounded stack
summary: A list that refuses to grow past its capacity.
---

# A bounded stack

A *stack* keeps the last item on top. This one holds at most $n$ items, so
`push` costs $O(1)$ and the number of items $|s|$ always satisfies

$$
0 \le |s| \le n.
$$
"""


class Stack:
    """A stack of at most ``capacity`` items.

    >>> s = Stack(2)
    >>> s.push("a"); s.push("b")
    >>> s.pop()
    'b'
    """

    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []

    # A full stack refuses a new item instead of growing: **pushing** past the
    # capacity raises an error.
    #
    # See [Python's exceptions](https://docs.python.org/3/library/exceptions.html)
    # for `OverflowError`.
    def push(self, item):
        if len(self.items) == self.capacity:
            raise OverflowError("stack is full")
        self.items.append(item)

    def pop(self):
        return self.items.pop()


# %% Trying it out
stack = Stack(3)
stack.push(1)
