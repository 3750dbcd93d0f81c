"""The procedure: the workflow at run time and the use cases that move a case on, one transaction each."""
