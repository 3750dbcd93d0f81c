"""What the tests share: a movable clock, fresh engine contexts, the people, the test processes, API and page clients.

Test modules and conftest files import from here, never from one another.
"""
