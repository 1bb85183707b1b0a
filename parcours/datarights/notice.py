# ruff: noqa: E501 (the translated paragraphs are kept as wrapped by hand, one sentence group per literal)
"""The information notice of RGPD art. 13 and 14, French and the person's language side by side, filled for
the person (her association, her département, the data protection officer): the mechanism of
parcours.people.translations (same languages, same page layout), with named blanks.

Each translation has exactly the paragraphs and the blanks of the French text (tests/datarights). Written for
Parcours from the French; a sworn translator is to review them before production use (docs/langues.md). The
French text alone is authentic. The durations it states are those of docs/conservation.md and of
parcours.datarights.rules: when they change, this text changes with them.
"""

from __future__ import annotations

from parcours.people.translations import BLANK, LANGUAGES

TITLE_FR = "Notice d'information sur vos données personnelles (RGPD, articles 13 et 14)"

PLACEHOLDERS = ("association", "departement", "dpo")

TEXTS: dict[str, tuple[str, list[str]]] = {
    "fr": (
        "Vos données personnelles : qui les traite, pourquoi, et vos droits",
        [
            "Responsables. L'association {association} est responsable des données de votre accompagnement. Pour votre demande de parcours de sortie de la prostitution, le préfet ({departement}), c'est-à-dire l'État, est responsable des données examinées par la commission départementale et des décisions.",
            "Pourquoi. Vos données servent à vous accompagner, à instruire votre demande de parcours, à ouvrir vos droits (aide financière AFIS, autorisation de séjour, logement, santé) et, sans votre nom, à établir des statistiques.",
            "Sur quelle base. Une mission d'intérêt public et une obligation prévue par la loi (article L. 121-9 du code de l'action sociale et des familles ; RGPD, article 6.1.c et 6.1.e). Les informations sur votre santé ne servent qu'à votre accompagnement social et médico-social (RGPD, article 9.2.g et 9.2.h).",
            "Qui les reçoit. Les personnes de l'association qui vous accompagnent ; le secrétariat de la commission à la préfecture ; les membres de la commission, sous un code, sans votre nom ; pour une autorisation de séjour, le service des étrangers de la préfecture ; pour l'aide financière, l'organisme qui la verse. Un autre partenaire seulement si vous l'acceptez. Rien n'est envoyé hors de l'Union européenne.",
            "Combien de temps. Le dossier de l'association est gardé deux ans après votre dernier contact avec elle, puis supprimé ou rendu anonyme. Les décisions du préfet sont des archives publiques : elles sont gardées, puis versées aux archives.",
            "Vos droits. Vous pouvez demander à voir vos données et à en recevoir une copie, les faire corriger, demander qu'elles soient effacées ou que leur utilisation soit limitée, et vous opposer à leur utilisation. La réponse vous est donnée dans un délai d'un mois. Adressez-vous à l'association : elle vous aide à faire la demande.",
            "Aucune décision automatique. Aucun ordinateur ne décide pour vous : votre demande est examinée par des personnes, et la décision est prise par le préfet.",
            "Contacts. Délégué à la protection des données : {dpo}. Si vous pensez que vos droits ne sont pas respectés, vous pouvez vous plaindre à la CNIL (Commission nationale de l'informatique et des libertés), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
    "en": (
        "Your personal data: who processes it, why, and your rights",
        [
            "Controllers. The association {association} is responsible for the data of your support. For your application for an exit-from-prostitution pathway, the prefect ({departement}), that is the State, is responsible for the data examined by the departmental commission and for the decisions.",
            "Why. Your data is used to support you, to examine your pathway application, to open your rights (AFIS financial aid, residence permit, housing, health) and, without your name, to produce statistics.",
            "Legal basis. A task in the public interest and an obligation set by law (article L. 121-9 of the French social action and families code; GDPR, article 6.1.c and 6.1.e). Information about your health is used only for your social and medico-social support (GDPR, article 9.2.g and 9.2.h).",
            "Who receives it. The people of the association who support you; the commission's secretariat at the prefecture; the commission members, under a code, without your name; for a residence permit, the prefecture's foreigners department; for the financial aid, the body that pays it. Another partner only if you agree. Nothing is sent outside the European Union.",
            "How long. The association's file is kept for two years after your last contact with it, then deleted or made anonymous. The prefect's decisions are public archives: they are kept, then transferred to the archives.",
            "Your rights. You can ask to see your data and to receive a copy, have it corrected, ask for it to be erased or for its use to be restricted, and object to its use. You will get an answer within one month. Speak to the association: it will help you make the request.",
            "No automated decision. No computer decides for you: your application is examined by people, and the decision is taken by the prefect.",
            "Contacts. Data protection officer: {dpo}. If you think your rights are not respected, you can complain to the CNIL (the French data protection authority), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
    "es": (
        "Sus datos personales: quién los trata, para qué y sus derechos",
        [
            "Responsables. La asociación {association} es responsable de los datos de su acompañamiento. Para su solicitud de itinerario de salida de la prostitución, el prefecto ({departement}), es decir el Estado, es responsable de los datos examinados por la comisión departamental y de las decisiones.",
            "Para qué. Sus datos sirven para acompañarle, examinar su solicitud de itinerario, abrir sus derechos (ayuda económica AFIS, autorización de residencia, alojamiento, salud) y, sin su nombre, elaborar estadísticas.",
            "Base jurídica. Una misión de interés público y una obligación prevista por la ley (artículo L. 121-9 del código francés de acción social y de las familias; RGPD, artículo 6.1.c y 6.1.e). La información sobre su salud solo sirve para su acompañamiento social y médico-social (RGPD, artículo 9.2.g y 9.2.h).",
            "Quién los recibe. Las personas de la asociación que le acompañan; la secretaría de la comisión en la prefectura; los miembros de la comisión, bajo un código, sin su nombre; para una autorización de residencia, el servicio de extranjería de la prefectura; para la ayuda económica, el organismo que la paga. Otro organismo solo si usted lo acepta. Nada se envía fuera de la Unión Europea.",
            "Cuánto tiempo. El expediente de la asociación se conserva dos años después de su último contacto con ella y luego se suprime o se anonimiza. Las decisiones del prefecto son archivos públicos: se conservan y después se entregan a los archivos.",
            "Sus derechos. Puede pedir ver sus datos y recibir una copia, hacer que se corrijan, pedir que se borren o que se limite su uso, y oponerse a su uso. Recibirá una respuesta en el plazo de un mes. Diríjase a la asociación: le ayudará a hacer la solicitud.",
            "Ninguna decisión automática. Ningún ordenador decide por usted: su solicitud la examinan personas y la decisión la toma el prefecto.",
            "Contactos. Delegado de protección de datos: {dpo}. Si cree que no se respetan sus derechos, puede presentar una reclamación ante la CNIL (autoridad francesa de protección de datos), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
    "ro": (
        "Datele dumneavoastră personale: cine le prelucrează, de ce și drepturile dumneavoastră",
        [
            "Operatori. Asociația {association} este responsabilă de datele privind sprijinul de care beneficiați. Pentru cererea dumneavoastră de parcurs de ieșire din prostituție, prefectul ({departement}), adică statul, este responsabil de datele examinate de comisia departamentală și de decizii.",
            "De ce. Datele dumneavoastră servesc pentru a vă sprijini, pentru a examina cererea de parcurs, pentru a vă deschide drepturile (ajutorul financiar AFIS, autorizația de ședere, locuință, sănătate) și, fără numele dumneavoastră, pentru statistici.",
            "Temeiul juridic. O misiune de interes public și o obligație prevăzută de lege (articolul L. 121-9 din codul francez al acțiunii sociale și familiilor; RGPD, articolul 6.1.c și 6.1.e). Informațiile despre sănătatea dumneavoastră servesc doar sprijinului social și medico-social (RGPD, articolul 9.2.g și 9.2.h).",
            "Cine le primește. Persoanele din asociație care vă sprijină; secretariatul comisiei de la prefectură; membrii comisiei, sub un cod, fără numele dumneavoastră; pentru o autorizație de ședere, serviciul pentru străini al prefecturii; pentru ajutorul financiar, organismul care îl plătește. Un alt partener doar dacă sunteți de acord. Nimic nu este trimis în afara Uniunii Europene.",
            "Cât timp. Dosarul asociației este păstrat doi ani după ultimul dumneavoastră contact cu ea, apoi este șters sau anonimizat. Deciziile prefectului sunt arhive publice: sunt păstrate, apoi predate arhivelor.",
            "Drepturile dumneavoastră. Puteți cere să vedeți datele și să primiți o copie, să le corectați, să cereți ștergerea lor sau limitarea utilizării lor și vă puteți opune utilizării lor. Veți primi un răspuns în termen de o lună. Adresați-vă asociației: vă ajută să faceți cererea.",
            "Nicio decizie automată. Niciun calculator nu decide în locul dumneavoastră: cererea este examinată de oameni, iar decizia este luată de prefect.",
            "Contacte. Responsabilul cu protecția datelor: {dpo}. Dacă considerați că drepturile dumneavoastră nu sunt respectate, puteți depune o plângere la CNIL (autoritatea franceză pentru protecția datelor), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
    "pcm": (
        "Your personal informashon: who dey use am, why, and your rights",
        [
            "Who get responsibility. Di association {association} get responsibility for di informashon of di support wey you dey get. For your request to enter di pathway to comot from prostitution, di prefect ({departement}), wey be di State (government), get responsibility for di informashon wey di commission for di department dey look and for di decisions.",
            "Why. Dem dey use your informashon to support you, to look your pathway request, to open your rights (AFIS money support, paper to stay for France, place to live, health) and, without your name, to make statistics (numbers).",
            "Wetin give dem di right. Na work wey dey for di public interest and one obligation wey di law put (article L. 121-9 of di French social action and families code; GDPR, article 6.1.c and 6.1.e). Dem dey use informashon about your health only for your social and medical support (GDPR, article 9.2.g and 9.2.h).",
            "Who dey receive am. Di people for di association wey dey support you; di secretariat of di commission for di prefecture; di commission members, with one code, without your name; for paper to stay, di prefecture office for foreigners; for di money support, di office wey dey pay am. Another partner only if you agree. Dem no dey send anytin comot from di European Union.",
            "How long. Di association dey keep your file for two years after di last time wey you contact dem, then dem go delete am or remove your name from am. Di prefect decisions na public archives: dem dey keep dem, then dem go give dem to di archives.",
            "Your rights. You fit ask to see your informashon and collect one copy, make dem correct am, ask make dem delete am or reduce how dem dey use am, and you fit refuse make dem use am. Dem go answer you inside one month. Talk to di association: dem go help you make di request.",
            "No computer decision. No computer dey decide for you: na people dey look your request, and na di prefect dey take di decision.",
            "Contacts. Di person wey dey protect data (data protection officer): {dpo}. If you think say dem no respect your rights, you fit complain to di CNIL (di French office wey dey protect data), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
    "zh": (
        "您的个人数据：谁处理、为什么处理，以及您的权利",
        [
            "责任方。{association}协会负责与您的陪伴支持有关的数据。关于您申请的“脱离卖淫路径”，省长（{departement}），即国家，负责省级委员会审查的数据以及相关决定。",
            "目的。您的数据用于为您提供陪伴支持、审查您的路径申请、为您开通各项权利（AFIS 经济补助、居留许可、住房、医疗），以及在不含您姓名的情况下进行统计。",
            "法律依据。公共利益任务和法律规定的义务（法国《社会行动与家庭法典》第 L. 121-9 条；《通用数据保护条例》第 6.1.c 条和第 6.1.e 条）。有关您健康的信息仅用于您的社会和医疗社会陪伴（《通用数据保护条例》第 9.2.g 条和第 9.2.h 条）。",
            "谁会收到这些数据。陪伴您的协会工作人员；省政府的委员会秘书处；委员会成员（只看到代码，看不到您的姓名）；办理居留许可时，省政府的外国人事务部门；发放经济补助时，支付补助的机构。其他合作机构只有在您同意时才会收到。任何数据都不会发送到欧盟以外。",
            "保存多久。协会的档案在您与协会最后一次联系后保存两年，然后删除或匿名化。省长的决定属于公共档案：会被保存，之后移交档案馆。",
            "您的权利。您可以要求查看您的数据并获得一份副本，要求更正，要求删除或限制使用，也可以反对使用您的数据。您将在一个月内得到答复。请向协会提出：协会会帮助您提出申请。",
            "没有自动决定。没有任何电脑替您做决定：您的申请由人来审查，决定由省长作出。",
            "联系方式。数据保护官：{dpo}。如果您认为您的权利没有得到尊重，可以向 CNIL（法国国家信息与自由委员会）投诉：3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr。",
        ],
    ),
    "pt": (
        "Os seus dados pessoais: quem os trata, para quê e os seus direitos",
        [
            "Responsáveis. A associação {association} é responsável pelos dados do seu acompanhamento. Para o seu pedido de percurso de saída da prostituição, o préfet ({departement}), ou seja, o Estado, é responsável pelos dados examinados pela comissão departamental e pelas decisões.",
            "Para quê. Os seus dados servem para a/o acompanhar, examinar o seu pedido de percurso, abrir os seus direitos (apoio financeiro AFIS, autorização de residência, habitação, saúde) e, sem o seu nome, elaborar estatísticas.",
            "Fundamento jurídico. Uma missão de interesse público e uma obrigação prevista na lei (artigo L. 121-9 do código francês da ação social e das famílias; RGPD, artigo 6.1.c e 6.1.e). As informações sobre a sua saúde só servem para o seu acompanhamento social e médico-social (RGPD, artigo 9.2.g e 9.2.h).",
            "Quem os recebe. As pessoas da associação que a/o acompanham; o secretariado da comissão na prefeitura; os membros da comissão, sob um código, sem o seu nome; para uma autorização de residência, o serviço de estrangeiros da prefeitura; para o apoio financeiro, o organismo que o paga. Outro parceiro só se aceitar. Nada é enviado para fora da União Europeia.",
            "Durante quanto tempo. O processo da associação é guardado dois anos após o seu último contacto com ela e depois apagado ou anonimizado. As decisões do préfet são arquivos públicos: são guardadas e depois entregues aos arquivos.",
            "Os seus direitos. Pode pedir para ver os seus dados e receber uma cópia, mandá-los corrigir, pedir que sejam apagados ou que a sua utilização seja limitada, e opor-se à sua utilização. Receberá uma resposta no prazo de um mês. Dirija-se à associação: ela ajuda-a/o a fazer o pedido.",
            "Nenhuma decisão automática. Nenhum computador decide por si: o seu pedido é examinado por pessoas e a decisão é tomada pelo préfet.",
            "Contactos. Encarregado da proteção de dados: {dpo}. Se considerar que os seus direitos não são respeitados, pode apresentar queixa à CNIL (autoridade francesa de proteção de dados), 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07, www.cnil.fr.",
        ],
    ),
}


def filled(language: str, *, association: str, departement: str, dpo: str) -> dict:
    """The French text and its translation (or the French alone), paragraph by paragraph, the blanks filled
    (a blank without a value stays a line to fill by hand)."""
    values = {"association": association or BLANK, "departement": departement or BLANK, "dpo": dpo or BLANK}
    fr_title, fr_paragraphs = TEXTS["fr"]
    fr = [p.format(**values) for p in fr_paragraphs]
    if language in TEXTS and language != "fr":
        title, paragraphs = TEXTS[language]
        other = [p.format(**values) for p in paragraphs]
        return {
            "language": LANGUAGES[language],
            "titles": (fr_title, title),
            "rows": list(zip(fr, other, strict=True)),
        }
    return {"language": None, "titles": (fr_title, ""), "rows": [(p, "") for p in fr]}
