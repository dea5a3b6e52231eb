"""Cloud and infrastructure-as-code checks.

Built-in Kubernetes manifest checks (``k8s`` parses, ``checks/`` judges) need nothing but
PyYAML. Terraform, CloudFormation, Kubernetes and Dockerfiles are also checked by checkov
when the optional ``cloud`` extra is installed: it runs as a subprocess with its network
lookups off (``checkov``), and Aman maps the check ids it uses to its own checks, severities
and requirements (``checkov_map``). Findings of Trivy, KICS and SARIF producers can be
imported (``imports``).
"""
