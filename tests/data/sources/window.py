"""
---
title: Sliding window mean
summary: >
  A running mean over the last few readings,
  updated in constant time.
---

# Sliding window mean

A tiny annotated example: it keeps a fixed number of readings and
their sum, so the mean never needs a full pass.
"""

from collections import deque


class Window:
    """
    ## Window

    Holds the readings and their sum $s_t$.

    :param size: is how many readings to keep
    """

    def __init__(self, size: int):
        self.size = size
        # Oldest reading on the left
        self.items = deque()
        self.total = 0.0

    # ### Adding a reading
    def push(self, value: float) -> float:
        """
        Returns the new mean
        $$\bar{x}_t = \frac{s_t}{n}$$
        """
        # Add the newest
        self.items.append(value)
        self.total += value

        # Drop the oldest when the window is full
        if len(self.items) > self.size:
            self.total -= self.items.popleft()
        #
        return self.total / len(self.items)


def demo():
    """Print a few means"""
    window = Window(3)
    for value in (1, 2, 3, 4):  # an inline comment stays with the code
        print(window.push(value))
