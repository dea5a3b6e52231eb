"""5G core configuration audit: Open5GS and free5GC configurations read into one model of
network functions, judged against TS 33.501 by the check modules in ``checks/``.

Layout: ``model`` (the normalised network function), ``open5gs`` and ``free5gc`` (vendor
adapters), ``keys`` (private-key facts: fingerprints, permissions), ``audit`` (the pipeline),
``service``/``api``/``cli`` (storage and interfaces), ``demo`` (generated demo cores).
"""
