"""Someone else's annotated code (several note styles), for the tests that start a project from it."""

CODE = {
    "code/shapes/__init__.py": '''\
        """
        ---
        title: Shapes
        summary: Areas of plane figures.
        ---

        # Shapes

        Every figure has an `area()`. Circles are in [the circle module](circle.py), and
        [its radius rule](circle.py#radius) is explained there. A class defines `__init__`,
        not __new__; the children of node k are a[2*k+1] and a[2*k+2].

        >>> from shapes.circle import Circle
        >>> Circle(1).area() > 3
        True
        """
        ''',
    "code/shapes/circle.py": '''\
        """Circles.

        :param radius: the circle's radius, in metres
        :returns: nothing

        Back to [the package](__init__.py).
        """

        import math


        # ## Radius
        #
        # The radius $r$ gives the area $\\pi r^2$.
        class Circle:
            """A circle of radius ``radius``.

            >>> Circle(2).radius
            2
            """

            def __init__(self, radius):
                self.radius = radius

            def area(self):
                return math.pi * self.radius ** 2
        ''',
    "code/notes.md": """\
        ---
        title: Design notes
        summary: Why the figures are classes.
        ---

        # Design notes

        See [the shapes](shapes/__init__.py) and [circles](shapes/circle.py#radius).
        """,
}
