"""Deployable bundles: BPMN, DMN and form files parsed, checked and cached; restricted scripting; the state serializer."""
