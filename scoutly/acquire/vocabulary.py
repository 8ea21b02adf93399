"""What looks like a job posting and what does not: the word lists and patterns behind `extract` (data only).

Role words cover English, German, Swedish, Dutch, French, Spanish, Italian, Portuguese, Polish and Japanese
career pages; exclusions cover navigation, social, login, blog, legal, "initiative application" and open-application
links.
"""

from __future__ import annotations

import re

# Role words are matched as words, never as letter sequences inside other words ("intern" is no hit in "Internet",
# "lead" none in "Leadership", "cook" none in "Cookie"), in five kinds:
# - ROLE_WORDS: whole words, with a plural or a German feminine ending ("Interns", "Partnerin");
# - ROLE_HEADS: English agent nouns that also end a closed compound ("Copywriter", "Physiotherapist",
#   "Projektmanager"), with a plural or German feminine or plural ending ("Managerin", "Analysten");
# - ROLE_HEADS_GERMANIC: German, Dutch and Scandinavian role nouns — the last part of a compound
#   ("Softwareentwickler", "Systemutvecklare", "Projectmedewerker") with its inflection ("-in", "-innen", "-en",
#   "-s", "-r") and a job noun after it ("Praktikantenstelle", "Doktorandtjänst"), never the first part of another
#   compound ("Mitarbeiterstimmen", "Leiterplatten", "Ingenieurbüro"); English "student" too ("Werksstudent");
# - ROLE_STEMS: the start of a word with any ending (Romance and Polish inflections: "Ingénieure",
#   "Desarrolladora", "Impiegata"; "Laboratory", "Pharmacist"), never inside another word ("Politecnico");
# - ROLE_PARTS: anywhere (German stems that begin compounds: "Ausbildungsplatz", "Pflichtpraktikum"; Japanese,
#   which has no word boundaries).
ROLE_WORDS = (
    # English
    "lead", "leader", "teamlead", "teamleader", "techlead", "head of", "director", "vp", "vice president", "chief",
    "officer", "assistant", "associate", "intern", "internship", "trainee", "traineeship", "apprentice",
    "apprenticeship", "postdoc", "postdoctoral", "doctoral", "phd", "studentship", "professor", "professorship",
    "lecturer", "lectureship", "fellow", "fellowship", "clerkship", "accountant", "translator", "representative",
    "executive", "advisor", "adviser", "agent", "marketer", "producer", "strategist", "counsel", "counselor",
    "counsellor", "lawyer", "paralegal", "solicitor", "attorney", "nurse", "practitioner", "tutor", "marketing",
    "sales", "salesperson", "salesman", "saleswoman", "expert", "owner", "partner", "principal", "staff", "senior",
    "junior", "clerk", "buyer", "driver", "mechanic", "electrician", "cook", "cashier", "receptionist", "advocate",
    "operative", "devops", "sre", "full-stack", "fullstack", "frontend", "backend", "front-end", "back-end", "legal",
    "finance", "people", "talent", "supervisor", "handler", "inspector", "auditor", "economist", "statistician",
    "physician", "doctor", "research", "it support", "it-support", "technical support", "tech support",
    "customer support", "level support", "helpdesk",
    # trades, hospitality, retail, logistics, care and health: titles of non-office jobs
    "plumber", "welder", "carpenter", "joiner", "bricklayer", "roofer", "glazier", "plasterer", "painter",
    "decorator", "machinist", "fitter", "installer", "labourer", "laborer", "landscaper", "gardener", "baker",
    "butcher", "barista", "waiter", "waitress", "bartender", "housekeeping", "cleaner", "caretaker", "porter",
    "courier", "dispatcher", "picker", "packer", "forklift", "stocker", "merchandiser", "teller", "crew member",
    "caregiver", "carer", "nanny", "midwife", "paramedic", "surgeon", "dentist", "hygienist",
    "radiographer", "optometrist", "steward", "stewardess", "flight attendant", "security guard",
    "firefighter", "concierge", "sommelier",
    # French, Italian
    "chef de", "capo",
    # Polish (whole words, masculine and feminine: "Informatyka", "Analityka", "Logistyka", "Księgowość" name
    # fields, not roles)
    "kierowca", "księgowa", "księgowy", "sprzedawca", "sprzedawczyni", "kasjer", "kasjerka", "monter", "spawacz",
    "elektryk", "opiekun", "opiekunka", "pielęgniarka", "pielęgniarz", "kucharz", "kucharka", "pracownik",
    "handlowiec", "przedstawiciel", "przedstawicielka", "asystent", "asystentka", "recepcjonista",
    "recepcjonistka", "lekarz", "lekarka", "nauczyciel", "nauczycielka", "informatyk", "analityk", "kontroler",
    "magazynier", "magazynierka", "mechanik", "fryzjer", "fryzjerka", "kelner", "kelnerka", "barman", "barmanka",
    "sprzątaczka", "ślusarz", "stolarz", "tokarz", "logistyk", "murarz", "farmaceuta", "ratownik",
    "fizjoterapeuta",
)  # fmt: skip
ROLE_HEADS = (
    "engineer", "developer", "manager", "designer", "analyst", "scientist", "specialist", "architect", "consultant",
    "coordinator", "technician", "controller", "recruiter", "writer", "editor", "operator", "planner", "therapist",
    "teacher", "chef", "programmer", "tester", "worker", "chemist", "physicist", "researcher", "keeper",
)  # fmt: skip
ROLE_HEADS_GERMANIC = (
    # German
    "entwickler", "ingenieur", "berater", "leiter", "leitung", "mitarbeiter", "sachbearbeiter", "kaufmann",
    "kauffrau", "referent", "spezialist", "techniker", "administrator", "werkstudent", "praktikant", "buchhalter",
    "koch", "fachinformatiker", "betreuer", "pfleger", "erzieher", "monteur", "elektriker", "lagerist", "fahrer",
    "kraft", "helfer", "verkäufer", "assistent", "assistenz", "therapeut", "arzt", "ärzt", "professur", "student",
    "chauffeur", "mechaniker", "mechatroniker", "elektroniker",
    # Swedish, Dutch
    "doktorand", "forskare", "postdoktor", "lektor", "handläggare", "samordnare", "tekniker", "utvecklare",
    "ingenjör", "medewerker", "ontwikkelaar", "teamleider", "projectleider",
    # Swedish care, trades and service roles ("Undersköterska", "Lokalvårdare", "Projektledare", "Säljare")
    "sköterska", "sköterskor", "vårdare", "biträde", "snickare", "lärare", "säljare", "ledare", "rådgivare",
    "svetsare", "målare", "montör", "chaufför", "kock", "ekonom", "konsult", "städare", "förare",
)  # fmt: skip
ROLE_STEMS = (
    # English
    "secretar", "pharmac", "laborator", "qa ", "data ", "hr ",
    # French, Spanish, Italian, Portuguese, Polish
    "ingénieur", "développeu", "chargé", "responsable", "desarrollador", "ingeniero", "ingeniera", "analista",
    "sviluppatore", "ingegnere", "stagiaire", "alternance", "gerente", "gestor", "técnic", "tecnic", "soldador",
    "operari", "auxiliar", "asistente", "coordinador", "coordinateur", "coordinatrice", "directeur", "directrice",
    "travailleu", "addett", "impiegat", "magazzinier", "commess", "operai", "camerier", "cuoc", "autista", "infermier",
    "educator", "educatric", "vendedor", "operador", "atendente", "repositor", "enfermeir", "motorista", "cozinheir",
    "programist", "stażyst", "specjalist", "kierownik", "inżynier", "konsultant", "doradca",
)  # fmt: skip
ROLE_PARTS = (
    # German stems that begin a compound; stems of sciences and trades that end one ("Microbiologist",
    # "Neuropsychologe", "Electromecánico")
    "ausbildung", "auszubildende", "azubi", "praktikum", "vertrieb", "kaufmännisch", "steuerfach",
    "berufsorientierung", "küche", "mecánic", "mecanic", "veterinar", "psycholog", "biolog", "mathematic",
    # Japanese
    "エンジニア", "デザイナー", "マネージャー", "営業", "開発", "コンサルタント", "ディレクター", "スタッフ", "担当",
    "責任者", "リーダー", "セールス", "事務", "ドライバー", "看護師", "薬剤師", "販売", "調理", "介護",
    "管理",
)  # fmt: skip
_LETTER = r"[^\W\d_]"
_ENGLISH_END = r"(?:s|es|in|innen)?"
_HEAD_END = r"(?:s|es|en|in|innen)?"
_GERMANIC_END = (  # an inflection, then a job noun ("Praktikantenstelle", "Doktorandtjänst", "Postdoktoranställning")
    r"(?:innen|in|en|er|es|e|n|r|s)?"
    r"(?:stellen?|jobs?|positionen|position|platz|plätze|tätigkeit|tjänster|tjänst|anställning|stilling)?"
)


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


ROLE_RE = re.compile(
    rf"(?<!{_LETTER})(?:{_alternatives(ROLE_WORDS)}){_ENGLISH_END}(?!{_LETTER})|"
    rf"(?:{_alternatives(ROLE_HEADS)}){_HEAD_END}(?!{_LETTER})|"
    rf"(?:{_alternatives(ROLE_HEADS_GERMANIC)}){_GERMANIC_END}(?!{_LETTER})|"
    rf"(?<!{_LETTER})(?:{_alternatives(ROLE_STEMS)})|"
    rf"{_alternatives(ROLE_PARTS)}",
    re.IGNORECASE,
)
GENDER_RE = re.compile(
    r"\((?:[mwfdxhie]\s*[/|*,]\s*){1,3}(?:[mwfdxhie]|divers|div\.?|inter)\)|\b[mwf]/[mwf]/[dx]\b|"
    r"\((all genders?|alle geschlechter|gn\*?|genderneutral|any gender|tous genres)\)|"
    r"\b[hf]\s*/\s*[fh](\s*/\s*x)?\b|"
    r"\w[*:_](?:in|innen)\b",  # German gender star, colon or gap: "Erzieher*in", "Reinigungskraft:in"
    re.I,
)
GENERIC_TEXT = re.compile(
    r"^(view|see|read|learn|find out|show|apply|details?|more|mehr|zur stelle|zum job|jetzt|weiter|details ansehen|"
    r"read more|learn more|view (the )?(role|job|position|details|opening)|view role details|apply now|"
    r"mehr erfahren|mehr infos?|zur stellenanzeige|bewerben|jetzt bewerben|läs mer|ansök|en savoir plus|"
    r"postuler|ver más|leggi|télécharge[zr]?|download|postulez|aplikuj|solicitar|aplicar|más información|"
    r"scopri di più|scopri|dettagli|candidati( ora)?|ver vaga|candidatar(-se)?|saiba mais|bekijk vacature|"
    r"solliciteer( direct| nu)?|voir l'offre|découvrir l'offre|ver oferta|inscribirme|応募する|詳細を見る|"
    r"more information|mer information|lees meer|meer info|czytaj więcej|zobacz|詳細|詳しく)\b.{0,30}$",
    re.IGNORECASE,
)
EXCLUDED_TEXT = re.compile(  # never a posting, wherever it appears in a link text; "Initiatives Manager" is a role
    r"initiativ(?!es?\b)|initiative[ -](bewerbung|application)|unsolicited|speculative application|spontanbewerbung|"
    r"spontaneous application|"
    r"job alert|talent (pool|community|network)",
    re.IGNORECASE,
)
# An open application ("General application", "Open sollicitatie"): no posting, unless it is a requisition of its
# own (its URL carries an id), as some boards list one.
OPEN_APPLICATION = re.compile(
    r"\b(open|general|blind) application\b(?! (developer|engineer|security|support|analyst|specialist|manager|"
    r"architect|consultant))|open sollicitatie|candidature spontanée|candidatura (espontánea|spontanea)|"
    r"blindbewerbung|register (your )?interest",
    re.IGNORECASE,
)
NAV_TEXT = re.compile(  # a whole link text that names a page, not a posting
    r"^(all |alle |see |view |explore |browse |search |show |zu den |zur |our |unsere )?(all |alle |our )?"
    r"(open |current |offene |aktuelle )?(jobs?|careers?|karriere|positions?|roles?|openings?|vacancies|"
    r"stellen(angebote)?|job ?offers?|opportunities|lediga jobb)( here| now| at .{1,30})?$|"
    r"^(benefits?( (&|and) perks)?|perks|culture|our culture|values|our values|life at .{1,40}|faq|"
    r"how we (hire|work)( .{1,30})?|hiring process|interview process|early careers?( .{1,30})?|"
    r"students?( (&|and) graduates)?|graduates|internships?|apprenticeships?|"
    r"sign ?in|log ?in|login|register|sign ?up|create (an )?account|newsletter|privacy( policy)?|"
    r"cookie (policy|settings)|datenschutz(erklärung)?|impressum|imprint|terms( of (use|service))?|agb|"
    r"contact( us)?|kontakt|about( us)?|über uns|home|blog|news|press|faq)$",
    re.IGNORECASE,
)
EXCLUDED_HOSTS = (
    "facebook.com", "twitter.com", "x.com", "linkedin.com", "instagram.com", "youtube.com", "youtu.be",
    "xing.com", "tiktok.com", "github.com", "glassdoor.", "kununu.com", "pinterest.", "medium.com",
    "t.me", "wa.me", "whatsapp.com", "vimeo.com", "apps.apple.com", "play.google.com", "google.com",
    "maps.google", "goo.gl", "bit.ly",
)  # fmt: skip
# Hosts under an excluded domain that serve shared documents (a job description as a Google Doc), never excluded.
SHARED_DOCUMENT_HOSTS = frozenset({"docs.google.com", "drive.google.com"})
EXCLUDED_PATH = re.compile(
    r"/(blog|news|press|presse|events?|webinars?|podcast|login|log-in|signin|sign-in|signup|sign-up|register|"
    r"account|privacy|datenschutz|impressum|imprint|legal|terms|cookies?|agb|contact|kontakt|about|"
    r"ueber-uns|uber-uns|search|tag|tags|category|categories|author|feed|rss|cart|shop|wp-login\.php|"
    r"initiativbewerbung|initiative-application|unsolicited|talent-?pool|job-?alerts?|posts?|stories|"
    r"articles?|insights|magazine)(/|$|\.)",
    re.IGNORECASE,
)
NOT_JOB_SECTION = re.compile(  # site sections about people and products; excluded unless the URL is posting-shaped
    r"/(team|teams|people|leadership|management|board|speakers?|staff|employees|mitarbeiter|customers?|clients?|"
    r"case-studies|stories|testimonials?|products?|solutions|services|investors?|partners?)(/|$)",
    re.IGNORECASE,
)
JOB_SEGMENT = re.compile(
    r"^(jobs?|careers?|karriere|stellen|stellenangebote?|offene-stellen|stellenanzeigen?|vacanc(y|ies)|"
    r"vacatures?|positions?|openings?|roles?|opportunit(y|ies)|postings?|job-?offers?|offres?|empleos?|"
    r"lediga-jobb|lediga-tjanster|available-positions|jobboerse|jobbörse|o|j|p|what:job|emplois?|ofertas?|"
    r"oferty|praca|kariera|trabajos?|jobb|lavora|lavoro|vagas?|recrutement|recrutamento|rekrytering|join-?us|"
    r"work-with-us|werde-teil|arbeiten-bei-uns|trabaja-con-nosotros|rejoignez-nous|nous-rejoindre|lavora-con-noi|posizion[ei]|annunci|"
    r"vacatures|werken-bij|jobs-and-careers|job-openings|open-positions|current-openings|stellenmarkt|stelle|"
    r"jobangebote?|annonces?|postes?|vacantes?|vacature|requisitions?|offre-d-emploi|offres-d-emploi|"
    r"ogloszenia|tjanster|lediga-jobb|ledigajobb|rekrytering)$",
    re.IGNORECASE,
)
ATS_HOSTS = re.compile(
    r"(greenhouse\.io|grnh\.se|lever\.co|ashbyhq\.com|myworkdayjobs\.com|smartrecruiters\.com|workable\.com|"
    r"bamboohr\.com|personio\.(de|com)|recruitee\.com|teamtailor\.com|varbi\.com|hrworks\.de|jobvite\.com|"
    r"icims\.com|successfactors\.|join\.com|breezy\.hr|jobs\.ch|softgarden\.io|onlyfy\.jobs|workwise\.io|"
    r"rexx-systems\.com|dvinci|pinpoint|comeet\.(com|co)|jazzhr\.com|applytojob\.com|recruiterbox|homerun\.co|"
    r"factorialhr|zohorecruit|taleo\.net)$",
    re.IGNORECASE,
)
ID_PARAMS = {
    "id", "jid", "jobid", "job_id", "job", "gh_jid", "jobId", "posting", "vacancy", "stellenid", "ref", "position",
    "rmjob", "jobadid", "vacancyid", "offer", "offerid",
}  # fmt: skip
DOC_ADVERT = re.compile(r"(stellenausschreibung|stellenangebot|stellenanzeige|job|vacancy|position)", re.I)
NAV_TAGS = {"nav", "header", "footer"}
NAV_TOKENS = re.compile(
    r"^(nav|navbar|navigation|menu|mega-?menu|footer|site-footer|site-header|header|breadcrumbs?|cookie|"
    r"social|share|sharing|language-switcher|lang-switcher|skip|pagination|pager|sidebar|topbar)([-_].*)?$|"
    r"^([a-z]+[-_])*(nav|navbar|navigation|menu|mega-?menu|submenu|sub-menu)([-_](list|wrap|wrapper|"
    r"container|inner|items?|links?|bar))?$",
    re.IGNORECASE,
)
CARD_TAGS = {"article", "li", "tr"}
HEADINGS = "h1, h2, h3, h4, h5, h6"
TITLE_CLASS = re.compile(
    r"^(?!position-(relative|absolute|fixed|static|sticky)$)(?!.*[-_](body|content|contents|wrap|wrapper|container|"
    r"desc|description|details|info|meta|list|group)$)(.*[-_])?(title|heading|headline|name|"
    r"position|jobtitle|job-title)([-_]|$)",
    re.I,
)
TRAILING_NOISE = re.compile(r"\s*(→|->|»|›|>|\bapply now\b|\bnew\b)\s*$", re.IGNORECASE)
MAX_TITLE = 300
LOCATION_CLASS = re.compile(
    r"(^|[-_])(location|locations|loc|city|place|ort|standort|arbeitsort|office|workplace|plaats|lieu|ubicacion)"
    r"([-_]|$)",
    re.IGNORECASE,
)
DEPARTMENT_CLASS = re.compile(r"(^|[-_])(department|departments|dept|team|category|abteilung|bereich)([-_]|$)", re.I)
EMPLOYMENT_WORDS = (
    r"full[- ]?time|part[- ]?time|permanent|temporary|fixed[- ]term|contract|freelance|internship|"
    r"vollzeit|teilzeit|festanstellung|befristet|unbefristet|minijob|werkstudent|cdi|cdd|alternance|"
    r"tiempo completo|medio tiempo|jornada completa|indefinido|tillsvidareanställning|visstidsanställning|"
    r"heltid|deltid|pełny etat|umowa o pracę|b2b|staż|正社員|契約社員"
)
EMPLOYMENT_TEXT = re.compile(rf"(?<!\w)({EMPLOYMENT_WORDS})(?!\w)", re.IGNORECASE)
# A contract word standing alone at the end of a link text ("Coordinateur santé H/F CDI").
TRAILING_EMPLOYMENT = re.compile(
    r"[\s,;·|–-]+(?P<kind>cdi|cdd|full[- ]time|part[- ]time|vollzeit|teilzeit|freelance|heltid|deltid)\s*$",
    re.IGNORECASE,
)
DATE_TEXT = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{2,4}|\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"[a-z]*\.? \d{4}|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4})\b|"
    r"\b(apply by|deadline|last application date|sista ansökningsdag|bewerbungsfrist|posted|published|opublikowano)\b",
    re.IGNORECASE,
)
# A section whose heading says its items are not open postings (closed, filled, past) or not jobs at all.
CLOSED_SECTION = re.compile(
    r"\b(closed|expired|filled|archived?|no longer (open|available)|past (vacancies|positions|openings|jobs)|"
    r"student projects?|master projects?|thesis|theses|abgelaufen|besetzt|pourvue?s?|clôturée?s?|cerrad[ao]s|"
    r"avslutade|stängda|gesloten)\b",
    re.IGNORECASE,
)
# A heading that opens a section of job adverts ("Open positions", "Nos offres", "Ofertas vigentes", "Oferty pracy").
JOB_SECTION = re.compile(
    r"\b(jobs?|careers?|vacanc(y|ies)|openings?|open (roles|positions)|positions|opportunities|job offers?|"
    r"stellen(angebote|anzeigen|ausschreibungen)?|offene stellen|karriere|offres?|emplois?|stages?|recrutement|"
    r"postes?|ofertas?|empleos?|vacantes|trabaja con nosotros|oferty|praca|rekrutacja|lediga|tjänster|"
    r"vacatures|lavora con noi|posizioni aperte)\b|募集|求人|職種",
    re.IGNORECASE,
)
# A heading that ends a section of adverts: contact, follow-us, or a closing call to action.
SECTION_END = re.compile(
    r"^(contact|kontakt|contacto|contatti|nous contacter|síguenos|follow us|folge uns|suivez-nous|newsletter|"
    r"submit your application|apply now|spontaneous|initiativ(?!es?\b)|candidature spontanée|quiero trabajar|"
    r"no encuentras|nie znalazłeś|didn.t find|not found)",
    re.IGNORECASE,
)
# A link or heading about the company, never a posting ("Our engineers", "Life at Acme", "Meet the team"), or an
# article's headline ("How we hire engineers", "A day as a support engineer", "From nurse to data analyst").
ABOUT_TEXT = re.compile(
    r"^(our|unsere?|nos|notre|nuestr[oa]s?|nasz[ae]?|våra?|onze|meet|life at|working at|work at|why|how|what|"
    r"when|where|who|a day (in|as|at|with)|from \w[\w -]{0,40} to)\b",
    re.I,
)
# A bare team or department name ("Engineering", "Customer Success team"): a section of a careers page, not a role.
DEPARTMENT_NAME = re.compile(
    r"^(the )?(engineering|sales|marketing|product|design|finance|legal|people|operations|support|customer success|"
    r"customer support|data|data science|research|hr|human resources|it|security|technology|tech|business|"
    r"administration|management|leadership|entwicklung|vertrieb|technik|verwaltung|ingénierie|ventas|ingeniería)"
    r"( (team|teams|department|& [\w ]{1,20}|and [\w ]{1,20}))?$",
    re.I,
)
# A labelled field line ("Location: Berlin", "Standort: Köln", "勤務地：静岡工場"): metadata, never a title.
FIELD_LABEL = re.compile(
    r"^(location|locations|office|city|salary|pay|compensation|department|team|type|contract|employment type|"
    r"hours|start( date)?|closing date|deadline|posted|reference|ref|standort|arbeitsort|ort|gehalt|abteilung|"
    r"vertragsart|anstellungsart|arbeitszeit|beginn|lieu|localisation|salaire|contrat|type de contrat|"
    r"ubicación|ubicacion|salario|jornada|sede|stipendio|contratto|orario|standplaats|salaris|dienstverband|"
    r"uren|local|cidade|regime|勤務地|給与|雇用形態|勤務時間|職種|勤務先)\s*[:：]",
    re.IGNORECASE,
)
# A badge on a card, never its title ("New", "Remote", "Hybrid", "Featured").
BADGE_TEXT = re.compile(
    r"^(new|neu|nouveau|nouvelle|nuevo|nueva|nytt|ny|hot|featured|urgent|top|remote|hybrid|on-?site|vor ort|"
    r"sur site|presencial|remoto|distans|zdalnie|promoted|closing soon|just posted)$",
    re.I,
)
# Query parameters that filter or page a list of postings (a facet link, never a posting).
FILTER_PARAMS = frozenset(
    {"team", "teams", "department", "departments", "dept", "location", "locations", "office", "offices", "country",
     "city", "region", "category", "categories", "type", "types", "commitment", "workplacetype", "remote", "level",
     "page", "p", "sort", "order", "q", "query", "search", "keyword", "keywords", "filter", "filters", "tag", "tags",
     "limit", "offset", "start", "lang", "language", "locale", "hl"}
)  # fmt: skip
