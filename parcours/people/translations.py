# ruff: noqa: E501 (the translated paragraphs are kept as wrapped by hand, one sentence group per literal)
"""Documents given to the person in their language, French alongside: the information notice, the consent form
and the explanation of the prefect's decision. Each translation has exactly the paragraphs of the French text,
in the same order, so that the page shows them side by side (parcours.people.views.TranslatedDocumentView).

Translations written for Parcours from the French text; a sworn translator is to review them before production
use (docs/langues.md). The languages are those the associations meet most (issue 14): English, Spanish,
Romanian, Nigerian Pidgin English, Chinese (Mandarin, simplified script) and Portuguese.
"""

from __future__ import annotations

from dataclasses import dataclass

BLANK = "……………………"


@dataclass(frozen=True)
class Language:
    code: str  # the BCP 47 tag of the translation (the page's lang attribute: screen readers switch voice)
    label: str  # in French, for the staff
    native: str  # the language's own name, for the person
    rtl: bool = False


LANGUAGES = {
    "en": Language("en", "Anglais", "English"),
    "es": Language("es", "Espagnol", "Español"),
    "ro": Language("ro", "Roumain", "Română"),
    "pcm": Language("pcm", "Pidgin nigérian", "Naijá (Pidgin)"),
    "zh": Language("zh-Hans", "Chinois (mandarin, écriture simplifiée)", "中文（简体）"),
    "pt": Language("pt", "Portugais", "Português"),
}

DOCUMENTS = {
    "notice": "Notice d'information sur les données et l'accompagnement",
    "consentement": "Formulaire de consentement",
    "decision": "Explication de la décision du préfet (à joindre au courrier de notification)",
}

# TEXTS[document][language] = (title, [paragraphs]); "fr" is the reference text.
TEXTS: dict[str, dict[str, tuple[str, list[str]]]] = {
    "notice": {
        "fr": (
            "Notice d'information — vos données et votre accompagnement",
            [
                "L'association qui vous accompagne enregistre dans le logiciel Parcours les informations utiles à "
                "votre accompagnement : votre identité, votre situation (hébergement, ressources, santé, situation "
                "administrative), les entretiens et les démarches engagées.",
                "Ces informations sont protégées : votre nom et vos coordonnées sont chiffrés, chaque consultation "
                "est enregistrée, et seules les personnes qui en ont besoin y ont accès. La commission "
                "départementale ne voit votre dossier que sous un code, sans votre nom.",
                "Votre dossier n'est jamais transmis à la police ni à la justice. Il n'est partagé avec un autre "
                "organisme que si vous l'avez accepté, et seulement avec le partenaire que vous avez nommé.",
                "Vous pouvez à tout moment demander à voir vos informations, les faire corriger, ou retirer votre "
                "consentement. Adressez-vous à l'association qui vous accompagne.",
                "Si vous avez besoin d'un interprète pour un entretien, une signature ou la remise d'une décision, "
                "demandez-le : l'association peut faire appel à un interprète professionnel.",
            ],
        ),
        "en": (
            "Information notice — your data and your support",
            [
                "The association that supports you records in the Parcours software the information needed for "
                "your support: your identity, your situation (accommodation, income, health, immigration and "
                "administrative status), your interviews and the steps that have been started.",
                "This information is protected: your name and contact details are encrypted, every access is "
                "recorded, and only the people who need it can see it. The departmental commission sees your "
                "file only under a code, without your name.",
                "Your file is never passed on to the police or to the courts. It is shared with another "
                "organisation only if you have agreed, and only with the partner you have named.",
                "At any time you can ask to see your information, have it corrected, or withdraw your consent. "
                "Speak to the association that supports you.",
                "If you need an interpreter for an interview, a signature or when a decision is handed to you, "
                "ask for one: the association can call on a professional interpreter.",
            ],
        ),
        "es": (
            "Nota informativa — sus datos y su acompañamiento",
            [
                "La asociación que le acompaña registra en el programa Parcours la información necesaria para su "
                "acompañamiento: su identidad, su situación (alojamiento, recursos, salud, situación "
                "administrativa), las entrevistas y los trámites iniciados.",
                "Esta información está protegida: su nombre y sus datos de contacto están cifrados, cada consulta "
                "queda registrada y solo pueden verla las personas que la necesitan. La comisión departamental "
                "solo ve su expediente bajo un código, sin su nombre.",
                "Su expediente nunca se transmite a la policía ni a la justicia. Solo se comparte con otro "
                "organismo si usted lo ha aceptado, y únicamente con el organismo colaborador que usted ha indicado.",
                "En cualquier momento puede pedir ver su información, hacer que se corrija o retirar su "
                "consentimiento. Diríjase a la asociación que le acompaña.",
                "Si necesita un intérprete para una entrevista, una firma o la entrega de una decisión, pídalo: la "
                "asociación puede recurrir a un intérprete profesional.",
            ],
        ),
        "ro": (
            "Notă de informare — datele dumneavoastră și sprijinul de care beneficiați",
            [
                "Asociația care vă sprijină înregistrează în programul Parcours informațiile necesare pentru "
                "sprijinul dumneavoastră: identitatea, situația dumneavoastră (cazare, venituri, sănătate, "
                "situație administrativă), întrevederile și demersurile începute.",
                "Aceste informații sunt protejate: numele și datele dumneavoastră de contact sunt criptate, fiecare "
                "consultare este înregistrată și doar persoanele care au nevoie de ele le pot vedea. Comisia "
                "departamentală vede dosarul dumneavoastră doar sub un cod, fără numele dumneavoastră.",
                "Dosarul dumneavoastră nu este transmis niciodată poliției sau justiției. Este partajat cu un alt "
                "organism doar dacă ați fost de acord și numai cu partenerul pe care l-ați numit.",
                "Puteți cere oricând să vedeți informațiile dumneavoastră, să le corectați sau să vă retrageți "
                "consimțământul. Adresați-vă asociației care vă sprijină.",
                "Dacă aveți nevoie de un interpret pentru o întrevedere, o semnătură sau la înmânarea unei decizii, "
                "cereți-l: asociația poate apela la un interpret profesionist.",
            ],
        ),
        "pcm": (
            "Informashon paper — your data and di support wey you dey get",
            [
                "Di association wey dey support you dey write inside di Parcours computer program di informashon "
                "wey dem need to fit support you: who you be, how tins dey for you (where you dey stay, money, "
                "your health, your papers), di meetings wey una don do and di tins wey dem don start to do for "
                "you.",
                "Dem dey protect dis informashon: dem lock your name and your contact with secret code "
                "(encryption), dem dey write down anytime wey person open am, and na only di people wey need am "
                "fit see am. Di commission for di department dey see your file only with one code, dem no dey see "
                "your name.",
                "Dem no go ever give your file to police or to court. Dem go share am with another organisation "
                "only if you don agree, and only with di partner wey you don name.",
                "Anytime wey you want, you fit ask to see your informashon, make dem correct am, or you fit take "
                "back your agreement. Talk to di association wey dey support you.",
                "If you need interpreter for meeting, for signature or when dem dey give you one decision, ask for "
                "am: di association fit call professional interpreter.",
            ],
        ),
        "zh": (
            "信息告知书——您的个人数据与陪伴支持",
            [
                "陪伴您的协会会在 Parcours 软件中记录为您提供陪伴支持所需的信息：您的身份、您的处境（住宿、收入、"
                "健康、行政身份状况）、面谈记录以及已经开始办理的各项手续。",
                "这些信息受到保护：您的姓名和联系方式经过加密，每一次查阅都会被记录，只有确有需要的人员才能查看。"
                "省级委员会只能看到一个代码，看不到您的姓名。",
                "您的档案绝不会转交给警方或司法机关。只有在您同意的情况下，才会与其他机构共享，而且只与您指定的"
                "合作机构共享。",
                "您可以随时要求查看您的信息、要求更正，或撤回您的同意。请向陪伴您的协会提出。",
                "如果您在面谈、签字或领取决定时需要口译员，请提出要求：协会可以请专业口译员。",
            ],
        ),
        "pt": (
            "Nota informativa — os seus dados e o seu acompanhamento",
            [
                "A associação que a/o acompanha regista no programa Parcours as informações necessárias ao seu "
                "acompanhamento: a sua identidade, a sua situação (alojamento, rendimentos, saúde, situação "
                "administrativa), as entrevistas e os procedimentos iniciados.",
                "Estas informações estão protegidas: o seu nome e os seus contactos são cifrados, cada consulta é "
                "registada e só as pessoas que delas precisam lhes têm acesso. A comissão departamental só vê o "
                "seu processo sob um código, sem o seu nome.",
                "O seu processo nunca é transmitido à polícia nem à justiça. Só é partilhado com outro organismo se "
                "tiver aceitado, e apenas com o parceiro que indicou.",
                "Pode, a qualquer momento, pedir para ver as suas informações, mandá-las corrigir ou retirar o seu "
                "consentimento. Dirija-se à associação que a/o acompanha.",
                "Se precisar de um intérprete para uma entrevista, uma assinatura ou a entrega de uma decisão, "
                "peça-o: a associação pode recorrer a um intérprete profissional.",
            ],
        ),
    },
    "consentement": {
        "fr": (
            "Formulaire de consentement",
            [
                f"Je soussigné(e), {BLANK} (nom et prénom), accepte d'être accompagné(e) par l'association "
                f"{BLANK}.",
                "J'ai reçu la notice d'information sur mes données, dans une langue que je comprends. J'accepte que "
                "l'association enregistre les informations utiles à mon accompagnement.",
                "☐ J'accepte que l'association prépare avec moi une demande d'engagement dans un parcours de sortie "
                "de la prostitution et la transmette au secrétariat de la commission départementale (préfecture).",
                f"☐ J'accepte que mon dossier soit partagé avec le partenaire suivant : {BLANK}, pour : {BLANK}.",
                "Je sais que je peux retirer mon consentement à tout moment, sans avoir à me justifier, en le disant "
                "à l'association.",
                f"Fait à {BLANK}, le {BLANK}. Signature de la personne : {BLANK} — Interprète présent(e), le cas "
                f"échéant (nom, langue, signature) : {BLANK}",
            ],
        ),
        "en": (
            "Consent form",
            [
                f"I, the undersigned, {BLANK} (surname and first name), agree to be supported by the association "
                f"{BLANK}.",
                "I have received the information notice about my data, in a language I understand. I agree that "
                "the association records the information needed for my support.",
                "☐ I agree that the association prepares with me a request to enter an exit pathway from "
                "prostitution and sends it to the secretariat of the departmental commission (prefecture).",
                f"☐ I agree that my file is shared with the following partner: {BLANK}, for: {BLANK}.",
                "I know that I can withdraw my consent at any time, without having to give a reason, by telling "
                "the association.",
                f"Signed at {BLANK}, on {BLANK}. Signature of the person: {BLANK} — Interpreter present, if any "
                f"(name, language, signature): {BLANK}",
            ],
        ),
        "es": (
            "Formulario de consentimiento",
            [
                f"Yo, el/la abajo firmante, {BLANK} (apellidos y nombre), acepto ser acompañado/a por la "
                f"asociación {BLANK}.",
                "He recibido la nota informativa sobre mis datos, en un idioma que comprendo. Acepto que la "
                "asociación registre la información necesaria para mi acompañamiento.",
                "☐ Acepto que la asociación prepare conmigo una solicitud de entrada en un itinerario de salida de "
                "la prostitución y la transmita a la secretaría de la comisión departamental (prefectura).",
                f"☐ Acepto que mi expediente se comparta con el siguiente organismo colaborador: {BLANK}, para: {BLANK}.",
                "Sé que puedo retirar mi consentimiento en cualquier momento, sin tener que justificarme, "
                "diciéndoselo a la asociación.",
                f"Hecho en {BLANK}, el {BLANK}. Firma de la persona: {BLANK} — Intérprete presente, en su caso "
                f"(nombre, idioma, firma): {BLANK}",
            ],
        ),
        "ro": (
            "Formular de consimțământ",
            [
                f"Subsemnatul/Subsemnata, {BLANK} (nume și prenume), accept să fiu sprijinit(ă) de asociația "
                f"{BLANK}.",
                "Am primit nota de informare privind datele mele, într-o limbă pe care o înțeleg. Accept ca "
                "asociația să înregistreze informațiile necesare pentru sprijinul meu.",
                "☐ Accept ca asociația să pregătească împreună cu mine o cerere de intrare într-un parcurs de ieșire "
                "din prostituție și să o transmită secretariatului comisiei departamentale (prefectura).",
                f"☐ Accept ca dosarul meu să fie partajat cu următorul partener: {BLANK}, pentru: {BLANK}.",
                "Știu că îmi pot retrage consimțământul în orice moment, fără să trebuiască să mă justific, "
                "spunându-i asociației.",
                f"Întocmit la {BLANK}, la data de {BLANK}. Semnătura persoanei: {BLANK} — Interpretul prezent, dacă "
                f"este cazul (nume, limbă, semnătură): {BLANK}",
            ],
        ),
        "pcm": (
            "Agreement paper (consent form)",
            [
                f"Me wey sign under, {BLANK} (surname and first name), I agree make di association {BLANK} "
                "support me.",
                "I don collect di informashon paper about my data, for language wey I understand. I agree make di "
                "association write down di informashon wey dem need to support me.",
                "☐ I agree make di association prepare with me one request to enter di pathway to comot from "
                "prostitution, and send am to di secretariat of di department commission (prefecture).",
                f"☐ I agree make dem share my file with dis partner: {BLANK}, for dis reason: {BLANK}.",
                "I sabi say I fit take back my agreement anytime, I no need to explain why, I go just tell di "
                "association.",
                f"Done for {BLANK}, on {BLANK}. Signature of di person: {BLANK} — Interpreter wey dey there, if e "
                f"get (name, language, signature): {BLANK}",
            ],
        ),
        "zh": (
            "同意书",
            [
                f"本人 {BLANK}（姓名），同意接受协会 {BLANK} 的陪伴支持。",
                "我已收到用我能理解的语言写成的关于我个人数据的信息告知书。我同意协会记录为我提供陪伴支持所需的"
                "信息。",
                "☐ 我同意协会与我一起准备进入“脱离卖淫路径”的申请，并将其转交省级委员会秘书处（省政府）。",
                f"☐ 我同意将我的档案与以下合作机构共享：{BLANK}，用途：{BLANK}。",
                "我知道我可以随时撤回我的同意，无需说明理由，只需告知协会即可。",
                f"签署地点：{BLANK}，日期：{BLANK}。本人签名：{BLANK} —— 在场口译员（如有）（姓名、语言、签名）："
                f"{BLANK}",
            ],
        ),
        "pt": (
            "Formulário de consentimento",
            [
                f"Eu, abaixo assinado(a), {BLANK} (apelido e nome próprio), aceito ser acompanhado(a) pela "
                f"associação {BLANK}.",
                "Recebi a nota informativa sobre os meus dados, numa língua que compreendo. Aceito que a "
                "associação registe as informações necessárias ao meu acompanhamento.",
                "☐ Aceito que a associação prepare comigo um pedido de entrada num percurso de saída da "
                "prostituição e o transmita ao secretariado da comissão departamental (préfecture, serviços do Estado).",
                f"☐ Aceito que o meu processo seja partilhado com o seguinte parceiro: {BLANK}, para: {BLANK}.",
                "Sei que posso retirar o meu consentimento a qualquer momento, sem ter de me justificar, "
                "dizendo-o à associação.",
                f"Feito em {BLANK}, em {BLANK}. Assinatura da pessoa: {BLANK} — Intérprete presente, se for o caso "
                f"(nome, língua, assinatura): {BLANK}",
            ],
        ),
    },
    "decision": {
        "fr": (
            "Votre demande de parcours de sortie de la prostitution : la décision du préfet",
            [
                "Ce document traduit, pour vous aider à le comprendre, le courrier officiel en français qui vous "
                "notifie la décision du préfet. Seul le courrier en français fait foi.",
                "Si votre demande est acceptée : vous êtes autorisé(e) à vous engager dans un parcours de sortie de "
                "la prostitution pour une période de six mois, qui peut être renouvelée. L'association vous "
                "accompagne dans ce parcours et dans vos démarches (hébergement ou logement, santé, droits, "
                "formation, emploi).",
                "Le parcours peut ouvrir des droits : une aide financière mensuelle (AFIS) si vous remplissez les "
                "conditions et, si vous êtes de nationalité étrangère, une autorisation provisoire de séjour d'au "
                "moins six mois qui vous permet de travailler.",
                "Si votre demande est refusée : le motif est écrit dans le courrier. L'association reste à vos "
                "côtés. Vous pouvez contester la décision dans un délai de deux mois : par un recours gracieux "
                "auprès du préfet, ou par un recours devant le tribunal administratif.",
                "Pour toute question, adressez-vous à l'association qui vous accompagne. Vous pouvez demander un "
                "interprète.",
            ],
        ),
        "en": (
            "Your request for an exit pathway from prostitution: the prefect's decision",
            [
                "This document translates, to help you understand it, the official letter in French that notifies "
                "you of the prefect's decision. Only the letter in French is legally binding.",
                "If your request is accepted: you are authorised to enter an exit pathway from prostitution for a "
                "period of six months, which can be renewed. The association supports you in this pathway and in "
                "your steps (accommodation or housing, health, rights, training, employment).",
                "The pathway can open rights: a monthly financial allowance (AFIS) if you meet the conditions and, "
                "if you are a foreign national, a temporary residence permit of at least six months that allows "
                "you to work.",
                "If your request is refused: the reason is written in the letter. The association stays by your "
                "side. You can challenge the decision within two months: by an appeal to the prefect (recours "
                "gracieux), or by an appeal to the administrative court.",
                "For any question, speak to the association that supports you. You can ask for an interpreter.",
            ],
        ),
        "es": (
            "Su solicitud de itinerario de salida de la prostitución: la decisión del prefecto",
            [
                "Este documento traduce, para ayudarle a entenderla, la carta oficial en francés que le notifica "
                "la decisión del prefecto. Solo la carta en francés tiene valor oficial.",
                "Si su solicitud es aceptada: está autorizado/a a entrar en un itinerario de salida de la "
                "prostitución durante un período de seis meses, que puede renovarse. La asociación le acompaña en "
                "este itinerario y en sus trámites (alojamiento o vivienda, salud, derechos, formación, empleo).",
                "El itinerario puede abrir derechos: una ayuda económica mensual (AFIS) si cumple los requisitos y, "
                "si es de nacionalidad extranjera, una autorización provisional de residencia de al menos seis "
                "meses que le permite trabajar.",
                "Si su solicitud es denegada: el motivo figura en la carta. La asociación sigue a su lado. Puede "
                "impugnar la decisión en un plazo de dos meses: mediante un recurso ante el prefecto (recours "
                "gracieux) o mediante un recurso ante el tribunal administrativo.",
                "Para cualquier pregunta, diríjase a la asociación que le acompaña. Puede pedir un intérprete.",
            ],
        ),
        "ro": (
            "Cererea dumneavoastră privind parcursul de ieșire din prostituție: decizia prefectului",
            [
                "Acest document traduce, pentru a vă ajuta să o înțelegeți, scrisoarea oficială în limba franceză "
                "prin care vi se comunică decizia prefectului. Doar scrisoarea în limba franceză are valoare "
                "juridică.",
                "Dacă cererea dumneavoastră este acceptată: sunteți autorizat(ă) să intrați într-un parcurs de "
                "ieșire din prostituție pentru o perioadă de șase luni, care poate fi reînnoită. Asociația vă "
                "sprijină în acest parcurs și în demersurile dumneavoastră (cazare sau locuință, sănătate, "
                "drepturi, formare profesională, loc de muncă).",
                "Parcursul poate deschide drepturi: un ajutor financiar lunar (AFIS), dacă îndepliniți condițiile, "
                "și, dacă sunteți cetățean străin, o autorizație provizorie de ședere de cel puțin șase luni, care "
                "vă permite să lucrați.",
                "Dacă cererea dumneavoastră este respinsă: motivul este scris în scrisoare. Asociația rămâne alături "
                "de dumneavoastră. Puteți contesta decizia în termen de două luni: printr-o contestație adresată "
                "prefectului (recours gracieux) sau printr-o acțiune la tribunalul administrativ.",
                "Pentru orice întrebare, adresați-vă asociației care vă sprijină. Puteți cere un interpret.",
            ],
        ),
        "pcm": (
            "Your request for di pathway to comot from prostitution: wetin di prefect decide",
            [
                "Dis paper dey translate, to help you understand am, di official letter for French wey dey tell you "
                "wetin di prefect decide. Na only di letter for French get power for law.",
                "If dem accept your request: dem don allow you to enter di pathway to comot from prostitution for "
                "six months, and dem fit renew am. Di association go support you for dis pathway and for all di "
                "tins wey you need do (place to stay or house, health, your rights, training, work).",
                "Di pathway fit open rights for you: money wey dem dey pay every month (AFIS) if you meet di "
                "conditions and, if you no be French or European citizen, temporary paper to stay for France "
                "(at least six months) wey go allow you work.",
                "If dem refuse your request: di reason dey inside di letter. Di association still dey with you. "
                "You fit challenge di decision inside two months: you fit write to di prefect make im look am again "
                "(recours gracieux), or you fit go di administrative court.",
                "If you get any question, talk to di association wey dey support you. You fit ask for interpreter.",
            ],
        ),
        "zh": (
            "您关于“脱离卖淫路径”的申请：省长的决定",
            [
                "本文件翻译了通知您省长决定的法文正式信函，以帮助您理解。只有法文信函具有法律效力。",
                "如果您的申请获得批准：您获准进入为期六个月的脱离卖淫路径，期满后可以续期。协会将在这一路径中"
                "陪伴您，并协助您办理各项手续（住宿或住房、健康、权利、培训、就业）。",
                "该路径可以为您开启相关权利：如果您符合条件，可以领取每月经济补助（AFIS）；如果您是外国国籍，"
                "可以获得至少六个月的临时居留许可，并可凭此工作。",
                "如果您的申请被拒绝：拒绝理由写在信函中。协会会继续陪伴您。您可以在两个月内对该决定提出异议："
                "向省长提出复议请求（recours gracieux），或向行政法院提起诉讼。",
                "如有任何问题，请向陪伴您的协会咨询。您可以要求提供口译员。",
            ],
        ),
        "pt": (
            "O seu pedido de percurso de saída da prostituição: a decisão do préfet",
            [
                "Este documento traduz, para a/o ajudar a compreendê-la, a carta oficial em francês que lhe "
                "notifica a decisão do préfet (o representante do Estado no departamento). Só a carta em francês faz fé.",
                "Se o seu pedido for aceite: está autorizado(a) a entrar num percurso de saída da prostituição por "
                "um período de seis meses, que pode ser renovado. A associação acompanha-a/o neste percurso e nos "
                "seus procedimentos (alojamento ou habitação, saúde, direitos, formação, emprego).",
                "O percurso pode abrir direitos: um apoio financeiro mensal (AFIS), se preencher as condições, e, "
                "se for de nacionalidade estrangeira, uma autorização provisória de residência de pelo menos seis "
                "meses que lhe permite trabalhar.",
                "Se o seu pedido for recusado: o motivo está escrito na carta. A associação continua ao seu lado. "
                "Pode contestar a decisão no prazo de dois meses: por uma reclamação junto do préfet (recours "
                "gracieux) ou por um recurso para o tribunal administrativo.",
                "Para qualquer dúvida, dirija-se à associação que a/o acompanha. Pode pedir um intérprete.",
            ],
        ),
    },
}


def code_of(document: str, language: str) -> str:
    """The URL code of a translated document: « notice-en », « consentement-zh »."""
    return f"{document}-{language}"


def parse_code(code: str) -> tuple[str, str] | None:
    document, _, language = code.rpartition("-")
    if document in DOCUMENTS and language in LANGUAGES:
        return document, language
    return None


def side_by_side(document: str, language: str) -> dict:
    """The French text and its translation, paragraph by paragraph."""
    fr_title, fr_paragraphs = TEXTS[document]["fr"]
    title, paragraphs = TEXTS[document][language]
    return {
        "document": document,
        "language": LANGUAGES[language],
        "titles": (fr_title, title),
        "rows": list(zip(fr_paragraphs, paragraphs, strict=True)),
    }
