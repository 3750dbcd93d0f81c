"""The test suite. Its shared helpers in tests.support report failed asserts as test modules do."""

import pytest

pytest.register_assert_rewrite("tests.support")
