"""Who may do what with official documents (added to the core matrix)."""

from parcours.core.policies import S, register

register(
    {
        # Edit the templates of the département's documents, preview them.
        "documents.templates": {S},
        # Download, edit (while draft) and freeze a generated document of the département.
        "documents.generated": {S},
    }
)
