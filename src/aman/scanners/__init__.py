"""Automated evidence scanners, one sub-package per domain (pqc, fiveg, cloud, ai).

Scanners are plugins: each domain package exposes typed probe results that the evidence
engine turns into findings. Nothing here touches the database or the web layer.
"""
