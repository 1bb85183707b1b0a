"""The rules of law about the person herself, each with its source (the pathway's: pathways/rules.py)."""

# Age of majority: a person under it cannot be entered into a PSP (a minor in prostitution is a child in
# danger: the child-protection route, CASF L. 226-3 and L. 226-4, not a pathway with consent).
# Source: art. 414 du Code civil (« La majorité est fixée à dix-huit ans accomplis »).
AGE_OF_MAJORITY = 18

MINOR_REFUSED = (
    "Une personne mineure ne peut pas entrer dans un parcours de sortie de la prostitution : elle relève "
    "de la protection de l'enfance (information préoccupante à la CRIP, ou signalement au procureur de la "
    "République si le danger est grave et immédiat). Enregistrez un repérage pour être guidé·e."
)
