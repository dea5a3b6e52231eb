"""AI model file checks: pickle-based formats scanned with picklescan (never unpickled),
Keras archives for Lambda layers, safetensors header integrity, a format policy, and an
AI bill of materials (CycloneDX 1.6) with hashes and scan results.

A clean pickle scan is not proof of safety: picklescan works from a list of known-dangerous
imports, and such lists have been bypassed repeatedly. Reports say so.
"""
