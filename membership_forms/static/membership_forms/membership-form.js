// <membership-form form="132" lang="ar">: one of the coalition's forms on another website.
//
// A standard custom element (a plain ES module, no build step). It reads the form's
// definition and its JSON Schema from the forms API, renders every field in the form's
// language and direction, checks the answers against that same schema before sending,
// shows the server's own field errors, the progress of an upload, the reference and the
// page's thank-you text; takes a donor on to Stripe Checkout; renders Cloudflare
// Turnstile when the site requires it.
// Docs: docs/widget.md. Cross-origin use needs the embedding site's origin in the
// coalition site's Settings → Forms API.
//
// The widget lives in an open shadow root: the partner's styles cannot break it, nor it
// theirs, and every label, description and error it points to with an id is in the same
// root, so the accessible names hold. Styling hooks: CSS custom properties and ::part().

const API_DEFAULT = new URL("/api/v3/forms/", import.meta.url).href;
const RIGHT_TO_LEFT = new Set(["ar"]);
const TEXT_TYPES = new Set(["singleline", "multiline", "hidden", "url", "email", "number", "amount", "date", "datetime"]);
const SELECT_TYPES = new Set(["dropdown", "country", "currency", "term"]);
const GROUP_TYPES = new Set(["radio", "boolean", "checkboxes"]);
// After a gift, how often and how long to ask whether Stripe Checkout is ready; the
// site's worker makes it within seconds, and retries with backoff for about half a minute.
const CHECKOUT_POLL_MS = 2000;
const CHECKOUT_WAIT_MS = 60000;
// Cloudflare Turnstile, when the site requires it (the form's `captcha_site_key`).
const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js?render=explicit";
let turnstileLoading = null;

/** Turnstile's script, loaded once into the page; resolves to its `turnstile` object. */
function loadTurnstile() {
  turnstileLoading ??= new Promise((resolve, reject) => {
    if (window.turnstile) {
      resolve(window.turnstile);
      return;
    }
    const script = document.createElement("script");
    script.src = TURNSTILE_SCRIPT;
    script.addEventListener("load", () => resolve(window.turnstile));
    script.addEventListener("error", () => {
      turnstileLoading = null;
      reject(new Error("Turnstile could not be loaded"));
    });
    document.head.append(script);
  });
  return turnstileLoading;
}

// The widget's own words; everything else (titles, labels, help, choices, the server's
// errors) comes from the API in the form's language. Exported for the translations' test.
export const STRINGS = {
  en: {
    loading: "Loading the form…",
    loadFailed: "The form could not be loaded. Please try again later.",
    closed: "This form is closed at the moment. Thank you for your interest.",
    requiredNote: "Questions marked with an asterisk (*) must be answered.",
    required: "required",
    yes: "Yes",
    no: "No",
    problem: "There is a problem",
    errorPrefix: "Error:",
    labelled: "{label}: {message}",
    send: "Send",
    sending: "Sending…",
    progress: "Sending your files",
    thanks: "Thank you",
    reference: "Your reference:",
    confirmation: "We have received your submission. Please quote this reference if you write to us about it.",
    busy: "The service is busy. Please try again in {seconds} seconds.",
    again: "You can send the form again now.",
    offline: "The form could not be sent: the server did not answer. Check your connection and send it again; it will not be recorded twice.",
    failed: "The form could not be sent. Please try again later.",
    fileLimits: "Accepted: {types}; at most {size}.",
    valueRequired: "This field is required.",
    choiceRequired: "Choose an answer.",
    boxRequired: "Tick this box to go on.",
    manyRequired: "Choose at least one.",
    fileRequired: "Choose a file.",
    tooLong: "Use at most {n} characters.",
    email: "Enter a valid email address.",
    url: "Enter a valid web address.",
    date: "Enter a valid date.",
    datetime: "Enter a valid date and time.",
    number: "Enter a valid number.",
    amount: "Enter a valid amount.",
    choice: "Choose one of the answers offered.",
    fileSize: "This file is larger than {size}.",
    fileType: "Choose a file of type {types}.",
    invalid: "Check this answer.",
    person: "Please confirm that you are a person.",
    privacyTitle: "How we use your information",
    privacyLink: "Read our privacy notice.",
    preparing: "Preparing the secure payment page…",
    toPayment: "Continue to the secure payment page",
    checkoutFailed: "The secure payment page could not be prepared. No money was taken.",
    checkoutSlow: "The secure payment page is taking longer than usual to prepare. No money has been taken.",
    donorPage: "Continue on our website",
    pledgeTitle: "How to send your gift",
    pledgeInstead: "Or send your gift by bank transfer or post",
    pledgeText: "Please send your gift by bank transfer or by post, quoting your reference {reference}.",
  },
  fr: {
    loading: "Chargement du formulaire…",
    loadFailed: "Le formulaire n’a pas pu être chargé. Veuillez réessayer plus tard.",
    closed: "Ce formulaire est actuellement fermé. Merci de votre intérêt.",
    requiredNote: "Les questions marquées d’un astérisque (*) sont obligatoires.",
    required: "obligatoire",
    yes: "Oui",
    no: "Non",
    problem: "Un problème a été détecté",
    errorPrefix: "Erreur\u00a0:",
    labelled: "{label}\u00a0: {message}",
    send: "Envoyer",
    sending: "Envoi en cours…",
    progress: "Envoi de vos fichiers",
    thanks: "Merci",
    reference: "Votre numéro de référence\u00a0:",
    confirmation: "Nous avons bien reçu votre envoi. Veuillez rappeler ce numéro de référence dans toute correspondance à ce sujet.",
    busy: "Le service est momentanément saturé. Veuillez réessayer dans {seconds}\u00a0secondes.",
    again: "Vous pouvez de nouveau envoyer le formulaire.",
    offline: "Le formulaire n’a pas pu être envoyé\u00a0: le serveur n’a pas répondu. Vérifiez votre connexion et envoyez-le de nouveau\u00a0; il ne sera pas enregistré deux fois.",
    failed: "Le formulaire n’a pas pu être envoyé. Veuillez réessayer plus tard.",
    fileLimits: "Formats acceptés\u00a0: {types}\u00a0; {size} au maximum.",
    valueRequired: "Ce champ est obligatoire.",
    choiceRequired: "Veuillez choisir une réponse.",
    boxRequired: "Veuillez cocher cette case pour continuer.",
    manyRequired: "Veuillez choisir au moins une réponse.",
    fileRequired: "Veuillez choisir un fichier.",
    tooLong: "Veuillez utiliser au plus {n}\u00a0caractères.",
    email: "Veuillez saisir une adresse électronique valide.",
    url: "Veuillez saisir une adresse web valide.",
    date: "Veuillez saisir une date valide.",
    datetime: "Veuillez saisir une date et une heure valides.",
    number: "Veuillez saisir un nombre valide.",
    amount: "Veuillez saisir un montant valide.",
    choice: "Veuillez choisir l’une des réponses proposées.",
    fileSize: "Ce fichier dépasse {size}.",
    fileType: "Veuillez choisir un fichier de type {types}.",
    invalid: "Veuillez vérifier cette réponse.",
    person: "Veuillez confirmer que vous n’êtes pas un robot.",
    privacyTitle: "Comment nous utilisons vos données",
    privacyLink: "Consultez notre politique de confidentialité.",
    preparing: "Préparation de la page de paiement sécurisée…",
    toPayment: "Continuer vers la page de paiement sécurisée",
    checkoutFailed: "La page de paiement sécurisée n’a pas pu être préparée. Aucun montant n’a été prélevé.",
    checkoutSlow: "La préparation de la page de paiement sécurisée prend plus de temps que d’habitude. Aucun montant n’a été prélevé.",
    donorPage: "Continuer sur notre site",
    pledgeTitle: "Comment envoyer votre don",
    pledgeInstead: "Ou envoyez votre don par virement bancaire ou par courrier",
    pledgeText: "Veuillez envoyer votre don par virement bancaire ou par courrier, en indiquant votre numéro de référence {reference}.",
  },
  es: {
    loading: "Cargando el formulario…",
    loadFailed: "No se pudo cargar el formulario. Inténtelo de nuevo más tarde.",
    closed: "Este formulario está cerrado por el momento. Gracias por su interés.",
    requiredNote: "Las preguntas marcadas con un asterisco (*) son obligatorias.",
    required: "obligatorio",
    yes: "Sí",
    no: "No",
    problem: "Hay un problema",
    errorPrefix: "Error:",
    labelled: "{label}: {message}",
    send: "Enviar",
    sending: "Enviando…",
    progress: "Envío de sus archivos",
    thanks: "Gracias",
    reference: "Su número de referencia:",
    confirmation: "Hemos recibido su envío. Le rogamos que cite este número de referencia en toda comunicación al respecto.",
    busy: "El servicio está saturado en este momento. Inténtelo de nuevo dentro de {seconds} segundos.",
    again: "Ya puede volver a enviar el formulario.",
    offline: "No se pudo enviar el formulario: el servidor no respondió. Compruebe su conexión y vuelva a enviarlo; no se registrará dos veces.",
    failed: "No se pudo enviar el formulario. Inténtelo de nuevo más tarde.",
    fileLimits: "Formatos aceptados: {types}; {size} como máximo.",
    valueRequired: "Este campo es obligatorio.",
    choiceRequired: "Elija una respuesta.",
    boxRequired: "Marque esta casilla para continuar.",
    manyRequired: "Elija al menos una respuesta.",
    fileRequired: "Elija un archivo.",
    tooLong: "Utilice como máximo {n} caracteres.",
    email: "Introduzca una dirección de correo electrónico válida.",
    url: "Introduzca una dirección web válida.",
    date: "Introduzca una fecha válida.",
    datetime: "Introduzca una fecha y una hora válidas.",
    number: "Introduzca un número válido.",
    amount: "Introduzca un importe válido.",
    choice: "Elija una de las respuestas propuestas.",
    fileSize: "Este archivo supera los {size}.",
    fileType: "Elija un archivo de tipo {types}.",
    invalid: "Revise esta respuesta.",
    person: "Confirme que es una persona.",
    privacyTitle: "Cómo utilizamos sus datos",
    privacyLink: "Lea nuestro aviso de privacidad.",
    preparing: "Preparando la página de pago segura…",
    toPayment: "Continuar a la página de pago segura",
    checkoutFailed: "No se ha podido preparar la página de pago segura. No se ha realizado ningún cargo.",
    checkoutSlow: "La preparación de la página de pago segura está tardando más de lo habitual. No se ha realizado ningún cargo.",
    donorPage: "Continuar en nuestro sitio web",
    pledgeTitle: "Cómo enviar su donación",
    pledgeInstead: "O envíe su donación por transferencia bancaria o por correo postal",
    pledgeText: "Le rogamos que envíe su donación por transferencia bancaria o por correo postal, indicando su número de referencia {reference}.",
  },
  ar: {
    loading: "جارٍ تحميل الاستمارة…",
    loadFailed: "تعذّر تحميل الاستمارة. يُرجى المحاولة مجددًا في وقت لاحق.",
    closed: "هذه الاستمارة مغلقة حاليًا. نشكركم على اهتمامكم.",
    requiredNote: "الإجابة عن الأسئلة المعلَّمة بنجمة (*) إلزامية.",
    required: "إلزامي",
    yes: "نعم",
    no: "لا",
    problem: "توجد مشكلة",
    errorPrefix: "خطأ:",
    labelled: "{label}: {message}",
    send: "إرسال",
    sending: "جارٍ الإرسال…",
    progress: "جارٍ إرسال ملفاتكم",
    thanks: "شكرًا لكم",
    reference: "رقمكم المرجعي:",
    confirmation: "لقد تلقّينا استمارتكم. يُرجى ذكر هذا الرقم المرجعي في أي مراسلة بشأنها.",
    busy: "الخدمة مشغولة حاليًا. يُرجى المحاولة مجددًا بعد {seconds} ثانية.",
    again: "يمكنكم الآن إرسال الاستمارة مجددًا.",
    offline: "تعذّر إرسال الاستمارة: لم يستجب الخادم. يُرجى التحقق من الاتصال وإعادة الإرسال؛ ولن تُسجَّل مرتين.",
    failed: "تعذّر إرسال الاستمارة. يُرجى المحاولة مجددًا في وقت لاحق.",
    fileLimits: "الصيغ المقبولة: {types}؛ بحجم أقصاه {size}.",
    valueRequired: "هذا الحقل إلزامي.",
    choiceRequired: "يُرجى اختيار إجابة.",
    boxRequired: "يُرجى وضع علامة في هذا المربع للمتابعة.",
    manyRequired: "يُرجى اختيار إجابة واحدة على الأقل.",
    fileRequired: "يُرجى اختيار ملف.",
    tooLong: "يُرجى ألا يتجاوز النص {n} حرفًا.",
    email: "يُرجى إدخال عنوان بريد إلكتروني صحيح.",
    url: "يُرجى إدخال عنوان موقع إلكتروني صحيح.",
    date: "يُرجى إدخال تاريخ صحيح.",
    datetime: "يُرجى إدخال تاريخ ووقت صحيحين.",
    number: "يُرجى إدخال رقم صحيح.",
    amount: "يُرجى إدخال مبلغ صحيح.",
    choice: "يُرجى اختيار إحدى الإجابات المقترحة.",
    fileSize: "يتجاوز حجم هذا الملف {size}.",
    fileType: "يُرجى اختيار ملف من نوع {types}.",
    invalid: "يُرجى التحقق من هذه الإجابة.",
    person: "يُرجى تأكيد أنكم شخص حقيقي.",
    privacyTitle: "كيف نستخدم معلوماتكم",
    privacyLink: "اطّلعوا على إشعار الخصوصية.",
    preparing: "جارٍ إعداد صفحة الدفع الآمنة…",
    toPayment: "المتابعة إلى صفحة الدفع الآمنة",
    checkoutFailed: "تعذّر إعداد صفحة الدفع الآمنة، ولم يُقتطع أي مبلغ.",
    checkoutSlow: "يستغرق إعداد صفحة الدفع الآمنة وقتًا أطول من المعتاد، ولم يُقتطع أي مبلغ.",
    donorPage: "المتابعة على موقعنا",
    pledgeTitle: "طريقة إرسال تبرعكم",
    pledgeInstead: "أو أرسلوا تبرعكم بتحويل مصرفي أو بالبريد",
    pledgeText: "يُرجى إرسال تبرعكم بتحويل مصرفي أو بالبريد، مع ذكر رقمكم المرجعي {reference}.",
  },
};

// The look of the site's own forms (membership_forms/forms.css), logical properties only
// so that right to left mirrors by itself. A constructed sheet: a partner's Content
// Security Policy need not allow inline styles for it.
const STYLE = new CSSStyleSheet();
STYLE.replaceSync(`
:host { display: block; color: var(--mf-ink, #1b1f24); font: var(--mf-font, inherit); }
:host([hidden]) { display: none; }
.root { max-inline-size: var(--mf-max-width, 40rem); }
[hidden] { display: none !important; }
h2 { font-size: 1.5rem; margin-block: 0 0.75rem; }
h3 { font-size: 1.2rem; margin-block: 1.25rem 0.5rem; }
a { color: var(--mf-link, #0b4f6c); }
.visually-hidden { position: absolute; inline-size: 1px; block-size: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.note { color: var(--mf-muted, #4a5560); font-size: 0.95rem; }
.required { color: var(--mf-accent, #9c2a1b); font-weight: 700; }
section { border-block-start: 1px solid var(--mf-line, #d5dbe1); margin-block-start: 2rem; }
.field { margin-block: 1.5rem; }
fieldset { border: 0; margin: 0; padding: 0; min-inline-size: 0; }
.label { display: block; font-weight: 600; margin-block-end: 0.25rem; padding: 0; }
.help { color: var(--mf-muted, #4a5560); font-size: 0.95rem; margin-block: 0 0.4rem; }
input:not([type="radio"]):not([type="checkbox"]):not([type="file"]), select, textarea {
  display: block; box-sizing: border-box; inline-size: 100%; max-inline-size: 100%;
  padding: 0.5rem 0.6rem; border: 2px solid var(--mf-muted, #4a5560); border-radius: var(--mf-radius, 4px);
  background: var(--mf-paper, #fff); color: var(--mf-ink, #1b1f24); font: inherit;
}
textarea { min-block-size: 8rem; resize: vertical; }
input[type="date"], input[type="datetime-local"] { inline-size: auto; min-inline-size: 12rem; }
input[type="file"] { display: block; max-inline-size: 100%; padding-block: 0.25rem; font: inherit; }
.choices { display: grid; gap: 0.25rem; }
.choice { display: flex; align-items: flex-start; gap: 0.6rem; padding-block: 0.3rem; cursor: pointer; }
input[type="radio"], input[type="checkbox"] {
  inline-size: 1.25rem; block-size: 1.25rem; margin: 0.2rem 0 0; flex: none; accent-color: var(--mf-brand, #0b4f6c);
}
:focus-visible { outline: 3px solid var(--mf-focus, #ffbf47); outline-offset: 1px; box-shadow: 0 0 0 5px var(--mf-ink, #1b1f24); }
.field.invalid { border-inline-start: 4px solid var(--mf-error, #b00020); padding-inline-start: 0.75rem; }
.field.invalid input:not([type="radio"]):not([type="checkbox"]), .field.invalid select, .field.invalid textarea { border-color: var(--mf-error, #b00020); }
.errors { color: var(--mf-error, #b00020); font-weight: 600; list-style: none; padding: 0; margin-block: 0 0.4rem; }
.summary { border: 4px solid var(--mf-error, #b00020); padding: 1rem 1.25rem; margin-block: 1.5rem; }
.summary h3 { margin-block-start: 0; }
.summary ul { margin: 0; padding-inline-start: 1.25rem; }
.summary a { color: var(--mf-error, #b00020); font-weight: 600; }
.notice { background: #fff4d6; border-inline-start: 4px solid #8a6100; padding: 0.75rem 1rem; }
.submit {
  font: inherit; font-size: 1.1rem; font-weight: 600; padding: 0.6rem 1.5rem; cursor: pointer;
  border: 0; border-radius: var(--mf-radius, 4px); background: var(--mf-brand, #0b4f6c); color: var(--mf-on-brand, #fff);
}
.submit:disabled { opacity: 0.7; cursor: progress; }
.status { margin-block: 1rem; }
progress { display: block; inline-size: 100%; block-size: 0.75rem; accent-color: var(--mf-brand, #0b4f6c); }
.captcha { margin-block: 1.5rem; }
.privacy { color: var(--mf-muted, #4a5560); font-size: 0.95rem; margin-block: 1.5rem 1rem; }
.privacy h3 { color: var(--mf-ink, #1b1f24); font-size: 1rem; margin-block: 0 0.25rem; }
.privacy p { margin: 0; }
.reference strong { font-size: 1.25rem; letter-spacing: 0.02em; white-space: nowrap; }
`);

function format(text, values) {
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}

// A v4 UUID; crypto.randomUUID needs a secure context, getRandomValues does not.
function newKey() {
  if (globalThis.crypto?.randomUUID) {
    return crypto.randomUUID();
  }
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function element(name, attributes = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (key === "text") node.textContent = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

// --- Checking answers against the form's JSON Schema -------------------------------
// The keywords the forms' schemas use (membership_forms/submission_schema.py): type,
// const, oneOf, anyOf, pattern, format, lengths, bounds, items, plus the file limits.
// Answers the first failing keyword of a value, or null when it is valid.

const FORMATS = {
  email: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/u.test(value),
  uri: (value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  },
  date: (value) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const day = new Date(`${value}T00:00:00Z`);
    return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(value);
  },
  binary: (value) => value instanceof Blob,
};

function hasType(type, value) {
  switch (type) {
    case "string":
      return typeof value === "string" || value instanceof Blob;
    case "boolean":
      return typeof value === "boolean";
    case "integer":
      return Number.isInteger(value);
    case "number":
      return typeof value === "number";
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return true;
  }
}

function failure(schema, value) {
  if (schema.type && !hasType(schema.type, value)) return "type";
  if ("const" in schema && value !== schema.const) return "const";
  if (schema.anyOf && !schema.anyOf.some((option) => failure(option, value) === null)) return "anyOf";
  if (schema.oneOf && schema.oneOf.filter((option) => failure(option, value) === null).length !== 1) return "oneOf";
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) return "minLength";
    if (schema.maxLength !== undefined && length > schema.maxLength) return "maxLength";
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) return "pattern";
  }
  if (schema.format && FORMATS[schema.format] && !FORMATS[schema.format](value)) return "format";
  if (value instanceof Blob) {
    if (schema["x-max-bytes"] && value.size > schema["x-max-bytes"]) return "x-max-bytes";
    const accept = schema["x-accept"] || [];
    const name = (value.name || "").toLowerCase();
    if (accept.length && !accept.some((ending) => name.endsWith(ending.toLowerCase()))) return "x-accept";
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) return "minimum";
    if (schema.maximum !== undefined && value > schema.maximum) return "maximum";
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return "minItems";
    if (schema.uniqueItems && new Set(value).size !== value.length) return "uniqueItems";
    if (schema.items && value.some((item) => failure(schema.items, item) !== null)) return "items";
  }
  return null;
}

/** {field name: failing keyword} for an answers object, "required" for missing ones. */
export function validate(schema, answers) {
  const problems = {};
  for (const name of schema.required || []) {
    if (!(name in answers)) problems[name] = "required";
  }
  for (const [name, value] of Object.entries(answers)) {
    const property = schema.properties?.[name];
    if (!property) {
      if (schema.additionalProperties === false) problems[name] = "additionalProperties";
      continue;
    }
    const keyword = failure(property, value);
    if (keyword) problems[name] = keyword;
  }
  return problems;
}

// --- The element ---------------------------------------------------------------------

class MembershipForm extends HTMLElement {
  static observedAttributes = ["form", "lang", "api"];

  constructor() {
    super();
    this.attachShadow({ mode: "open" });
    this.shadowRoot.adoptedStyleSheets = [STYLE];
    this.key = null; // the Idempotency-Key of the current attempt
    this.busy = false;
    this.loading = null;
  }

  connectedCallback() {
    if (!this.loaded) this.load(); // moved in the page: keep the answers
  }

  attributeChangedCallback(name, before, after) {
    if (this.isConnected && before !== after && this.loaded) this.load();
  }

  get apiBase() {
    const base = this.getAttribute("api") || API_DEFAULT;
    return base.endsWith("/") ? base : `${base}/`;
  }

  /** The widget's words: the form's language once known, else the `lang` attribute. */
  get words() {
    return STRINGS[this.language] || STRINGS.en;
  }

  get language() {
    return this.definition?.locale || (this.getAttribute("lang") || "en").split("-")[0];
  }

  async load() {
    const id = this.getAttribute("form");
    this.loaded = true;
    this.definition = null;
    this.key = null;
    clearTimeout(this.retryTimer);
    clearTimeout(this.giftTimer);
    const root = this.renderRoot();
    if (!/^\d+$/.test(id || "")) {
      this.loading = null;
      console.error("membership-form: the form attribute must be a form's id, not", id);
      root.append(element("p", { class: "notice", role: "alert", part: "notice", text: this.words.loadFailed }));
      return;
    }
    root.append(element("p", { class: "note", role: "status", text: this.words.loading }));
    const headers = { Accept: "application/json", "Accept-Language": this.language };
    const loading = Promise.all(
      [`${id}/`, `${id}/schema/`].map(async (path) => {
        const response = await fetch(new URL(path, this.apiBase), { headers, credentials: "omit" });
        if (!response.ok) throw new Error(`${response.status} ${response.url}`);
        return response.json();
      }),
    );
    this.loading = loading;
    let definition, schema;
    try {
      [definition, schema] = await loading;
    } catch (error) {
      if (this.loading !== loading) return;
      console.error("membership-form:", error);
      this.renderRoot().append(element("p", { class: "notice", role: "alert", part: "notice", text: this.words.loadFailed }));
      return;
    }
    if (this.loading !== loading) return; // the attributes changed meanwhile
    this.definition = definition;
    this.schema = schema;
    this.render();
  }

  renderRoot() {
    const root = element("div", { class: "root", part: "root", lang: this.language, dir: RIGHT_TO_LEFT.has(this.language) ? "rtl" : "ltr" });
    this.shadowRoot.replaceChildren(root);
    this.root = root;
    return root;
  }

  render() {
    const words = this.words;
    const form = this.definition;
    const root = this.renderRoot();
    root.append(element("h2", { part: "title", text: form.title }));
    this.introBox = form.intro ? this.richText(form.intro, "intro") : null;
    if (this.introBox) root.append(this.introBox);
    if (!form.is_open) {
      root.append(element("p", { class: "notice", role: "status", part: "notice", text: words.closed }));
      return;
    }
    this.summary = element("div", { class: "summary", part: "summary", role: "alert", tabindex: "-1", "aria-labelledby": "mf-summary-title", hidden: true });
    this.form = element("form", { novalidate: true, part: "form" });
    this.form.append(element("p", { class: "note", text: words.requiredNote }));
    let section = null;
    let container = this.form;
    let count = 0;
    for (const field of form.fields) {
      if ((field.section || null) !== section) {
        section = field.section || null;
        container = this.form;
        if (section) {
          count += 1;
          container = element("section", { "aria-labelledby": `mf-section-${count}` }, element("h3", { id: `mf-section-${count}`, text: section }));
          this.form.append(container);
        }
      }
      container.append(this.field(field));
    }
    this.hasFiles = form.fields.some((field) => field.type === "file");
    this.progressBar = element("progress", { id: "mf-progress", max: "100", value: "0" });
    this.progressBox = element("div", { class: "status", part: "progress", hidden: true },
      element("label", { for: "mf-progress", text: words.progress }), this.progressBar);
    this.status = element("p", { class: "status", role: "status" });
    this.button = element("button", { type: "submit", class: "submit", part: "submit", text: form.submit_label || words.send });
    this.form.append(this.progressBox, this.status, this.captcha(), this.privacy(), this.button);
    this.form.addEventListener("submit", (event) => this.submit(event));
    // A changed answer is a new attempt, with a new key.
    this.form.addEventListener("input", () => { this.key = null; });
    this.form.addEventListener("change", () => { this.key = null; });
    this.summary.addEventListener("click", (event) => this.followSummaryLink(event));
    this.done = element("div", { part: "confirmation", hidden: true });
    root.append(this.summary, this.form, this.done);
  }

  /** Turnstile's widget when the site requires a proof of a person; its token goes with the answers. */
  captcha() {
    this.captchaToken = "";
    this.captchaId = null;
    const siteKey = this.definition.captcha_site_key;
    if (!siteKey) return null;
    const box = element("div", { class: "captcha", part: "captcha", id: "mf-captcha" });
    loadTurnstile().then((turnstile) => {
      if (!box.isConnected) return;
      this.turnstile = turnstile;
      this.captchaId = turnstile.render(box, {
        sitekey: siteKey,
        language: this.language,
        callback: (token) => { this.captchaToken = token; },
        "expired-callback": () => { this.captchaToken = ""; },
        "error-callback": () => { this.captchaToken = ""; },
      });
    }, (error) => console.error("membership-form:", error));
    return box;
  }

  /** A token proves one submission: after any answer but 202, the widget asks for a new one. */
  resetCaptcha() {
    this.captchaToken = "";
    if (this.turnstile && this.captchaId !== null) this.turnstile.reset(this.captchaId);
  }

  /** How the answers are used and kept, with the privacy notice, as beside the page's button. */
  privacy() {
    const form = this.definition;
    if (!form.privacy_note) return null;
    const note = element("p", {}, form.privacy_note);
    if (form.privacy_url) note.append(" ", element("a", { href: form.privacy_url, text: this.words.privacyLink }));
    return element("div", { class: "privacy", part: "privacy" }, element("h3", { text: this.words.privacyTitle }), note);
  }

  /** The editors' rich text (sanitised by the site, checked again here), links made absolute. */
  richText(html, part) {
    const template = document.createElement("template");
    template.innerHTML = html;
    template.content.querySelectorAll("script, style, iframe, object, embed").forEach((node) => node.remove());
    for (const node of template.content.querySelectorAll("*")) {
      for (const attribute of [...node.attributes]) {
        if (attribute.name.startsWith("on")) node.removeAttribute(attribute.name);
      }
    }
    for (const link of template.content.querySelectorAll("a[href]")) {
      let address = null;
      try {
        address = new URL(link.getAttribute("href"), this.apiBase);
      } catch {
        address = null;
      }
      if (address && ["http:", "https:", "mailto:", "tel:"].includes(address.protocol)) link.href = address.href;
      else link.removeAttribute("href");
    }
    const box = element("div", { part });
    box.append(template.content);
    return box;
  }

  marker(field) {
    if (!field.required) return [];
    return [
      element("span", { class: "required", "aria-hidden": "true", text: " *" }),
      element("span", { class: "visually-hidden", text: ` (${this.words.required})` }),
    ];
  }

  field(field) {
    const id = `mf-${field.name}`;
    if (field.type === "hidden") {
      return element("input", { type: "hidden", name: field.name, id });
    }
    const box = element("div", { class: `field field--${field.type}`, part: "field", "data-field": field.name });
    const helpText = [field.help_text, field.type === "file" ? this.fileLimits(field) : ""].filter(Boolean).join(" ");
    const help = helpText ? element("p", { class: "help", id: `${id}-help`, part: "help", text: helpText }) : null;
    const errors = element("ul", { class: "errors", id: `${id}-errors`, part: "errors", hidden: true });
    box.errors = errors;
    box.help = help;
    if (GROUP_TYPES.has(field.type)) {
      const choices = field.type === "boolean"
        ? [{ value: "true", label: this.words.yes }, { value: "false", label: this.words.no }]
        : field.choices;
      const kind = field.type === "checkboxes" ? "checkbox" : "radio";
      const list = element("div", { class: "choices" });
      choices.forEach((choice, index) => {
        list.append(element("label", { class: "choice" },
          element("input", { type: kind, name: field.name, value: choice.value, id: index === 0 ? id : `${id}-${index}` }),
          element("span", { text: choice.label })));
      });
      const fieldset = element("fieldset", { part: "group" },
        element("legend", { class: "label", part: "label" }, field.label, ...this.marker(field)), help, errors, list);
      box.describe = fieldset;
      box.append(fieldset);
    } else if (field.type === "checkbox") {
      const input = element("input", { type: "checkbox", name: field.name, id, value: "true" });
      box.describe = input;
      box.append(help || "", errors, element("label", { class: "choice", for: id, part: "label" }, input, element("span", {}, field.label, ...this.marker(field))));
    } else {
      const input = this.control(field, id);
      box.describe = input;
      box.append(element("label", { class: "label", for: id, part: "label" }, field.label, ...this.marker(field)), help || "", errors, input);
    }
    this.describe(box);
    return box;
  }

  control(field, id) {
    const common = { name: field.name, id, part: "input", required: field.required };
    if (SELECT_TYPES.has(field.type) || field.type === "multiselect") {
      const multiple = field.type === "multiselect";
      const select = element("select", { ...common, multiple });
      if (!multiple) select.append(element("option", { value: "", text: "—" }));
      for (const choice of field.choices) select.append(element("option", { value: choice.value, text: choice.label }));
      return select;
    }
    if (field.type === "multiline") {
      return element("textarea", { ...common, rows: "5", maxlength: field.max_length });
    }
    if (field.type === "file") {
      return element("input", { ...common, type: "file", accept: (field.accept || []).join(",") });
    }
    const types = { email: "email", url: "url", date: "date", datetime: "datetime-local" };
    const autocomplete = { email: "email" };
    return element("input", {
      ...common,
      type: types[field.type] || "text",
      inputmode: ["number", "amount"].includes(field.type) ? "decimal" : null,
      maxlength: TEXT_TYPES.has(field.type) ? field.max_length : null,
      autocomplete: autocomplete[field.type] || null,
      dir: ["email", "url"].includes(field.type) ? "ltr" : null,
    });
  }

  /** A file field's size limit, as "10 MB" in the form's language (Western digits). */
  size(field) {
    const megabytes = new Intl.NumberFormat(`${this.language}-u-nu-latn`, { style: "unit", unit: "megabyte", unitDisplay: "long", maximumFractionDigits: 1 });
    return megabytes.format((field.max_bytes || 0) / (1024 * 1024));
  }

  fileTypes(field) {
    const types = (field.accept || []).map((ending) => ending.replace(/^\./, "").toUpperCase());
    return types.join(this.language === "ar" ? "، " : ", ");
  }

  fileLimits(field) {
    return format(this.words.fileLimits, { types: this.fileTypes(field), size: this.size(field) });
  }

  describe(box) {
    const ids = [box.help?.id, box.errors.hidden ? null : box.errors.id].filter(Boolean);
    if (ids.length) box.describe.setAttribute("aria-describedby", ids.join(" "));
    else box.describe.removeAttribute("aria-describedby");
  }

  // --- Answers -------------------------------------------------------------------------

  /** The answers as the API reads them: empty answers left out. */
  collect() {
    const answers = {};
    for (const field of this.definition.fields) {
      const controls = [...this.form.elements].filter((control) => control.name === field.name);
      let value;
      if (field.type === "checkbox") value = controls[0].checked;
      else if (field.type === "checkboxes") value = controls.filter((box) => box.checked).map((box) => box.value);
      else if (field.type === "multiselect") value = [...controls[0].selectedOptions].map((option) => option.value);
      else if (field.type === "radio" || field.type === "boolean") {
        const chosen = controls.find((control) => control.checked);
        value = chosen ? chosen.value : undefined;
        if (value !== undefined && field.type === "boolean") value = value === "true";
      } else if (field.type === "file") value = controls[0].files[0];
      else {
        value = controls[0].value;
        if (field.type === "url" && value && !/^[a-z][a-z0-9+.-]*:/i.test(value)) value = `https://${value}`;
      }
      const empty = value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
        || (field.type === "singleline" || field.type === "multiline") && !value.trim();
      if (!empty) answers[field.name] = value;
    }
    return answers;
  }

  message(field, keyword) {
    const words = this.words;
    const missing = keyword === "required" || keyword === "minItems" || keyword === "minLength"
      || (keyword === "const" && field.type === "checkbox");
    if (missing) {
      if (field.type === "checkbox") return words.boxRequired;
      if (["checkboxes", "multiselect"].includes(field.type)) return words.manyRequired;
      if (field.type === "file") return words.fileRequired;
      if (GROUP_TYPES.has(field.type) || SELECT_TYPES.has(field.type)) return words.choiceRequired;
      return words.valueRequired;
    }
    if (keyword === "maxLength") {
      return format(words.tooLong, { n: this.schema.properties[field.name].maxLength });
    }
    if (keyword === "x-max-bytes") return format(words.fileSize, { size: this.size(field) });
    if (keyword === "x-accept") return format(words.fileType, { types: this.fileTypes(field) });
    const byType = { email: "email", url: "url", date: "date", datetime: "datetime", number: "number", amount: "amount" };
    if (byType[field.type]) return words[byType[field.type]];
    if (["oneOf", "const", "items", "uniqueItems"].includes(keyword)) return words.choice;
    return words.invalid;
  }

  /** Field errors beside their questions and in the summary; other messages in it only. */
  showErrors(byField, general = []) {
    const words = this.words;
    for (const box of this.form.querySelectorAll(".field")) {
      const messages = byField[box.dataset.field] || [];
      box.classList.toggle("invalid", messages.length > 0);
      box.errors.replaceChildren(...messages.map((text) => element("li", {},
        element("span", { class: "visually-hidden", text: `${words.errorPrefix} ` }), text)));
      box.errors.hidden = messages.length === 0;
      box.querySelectorAll("input, select, textarea").forEach((control) => {
        if (messages.length) control.setAttribute("aria-invalid", "true");
        else control.removeAttribute("aria-invalid");
      });
      this.describe(box);
    }
    const labels = Object.fromEntries(this.definition.fields.map((field) => [field.name, field.label]));
    const items = [...general.map((text) => element("li", { text }))];
    // In the form's order, as the questions come.
    const names = [...this.definition.fields.map((field) => field.name), ...Object.keys(byField)];
    for (const name of new Set(names)) {
      for (const text of byField[name] || []) {
        if (labels[name] === undefined) {
          items.push(element("li", { text }));
        } else {
          items.push(element("li", {}, element("a", { href: `#mf-${name}`, "data-target": `mf-${name}`, text: format(words.labelled, { label: labels[name], message: text }) })));
        }
      }
    }
    this.summary.replaceChildren(element("h3", { id: "mf-summary-title", text: words.problem }), element("ul", {}, ...items));
    this.summary.hidden = items.length === 0;
    if (items.length) {
      this.summary.focus();
      this.summary.scrollIntoView({ block: "start" });
    }
  }

  followSummaryLink(event) {
    const link = event.target.closest("a[data-target]");
    if (!link) return;
    event.preventDefault(); // a fragment cannot reach into a shadow root
    const target = this.shadowRoot.getElementById(link.dataset.target);
    target?.focus();
    target?.scrollIntoView({ block: "center" });
  }

  // --- Sending -------------------------------------------------------------------------

  async submit(event) {
    event.preventDefault();
    if (this.busy) return;
    const answers = this.collect();
    const properties = { ...this.schema, required: (this.schema.required || []).filter((name) => name !== "captcha_token") };
    const problems = validate(properties, answers);
    const byName = Object.fromEntries(this.definition.fields.map((field) => [field.name, field]));
    const fieldErrors = {};
    for (const [name, keyword] of Object.entries(problems)) {
      if (byName[name]) fieldErrors[name] = [this.message(byName[name], keyword)];
    }
    const general = this.definition.captcha_site_key && !this.captchaToken ? [this.words.person] : [];
    if (Object.keys(fieldErrors).length || general.length) {
      this.showErrors(fieldErrors, general);
      return;
    }
    if (this.captchaToken) answers.captcha_token = this.captchaToken;
    this.key ??= newKey(); // kept across retries of the same answers
    this.busy = true;
    this.button.disabled = true;
    this.status.textContent = this.words.sending;
    let answer;
    try {
      answer = this.hasFiles ? await this.sendMultipart(answers) : await this.sendJson(answers);
    } finally {
      this.busy = false;
      this.button.disabled = false;
      this.progressBox.hidden = true;
      this.status.textContent = "";
    }
    this.answered(answer);
  }

  submitUrl() {
    return new URL(`${this.definition.id}/submissions/`, this.apiBase).href;
  }

  async sendJson(answers) {
    try {
      const response = await fetch(this.submitUrl(), {
        method: "POST",
        credentials: "omit",
        headers: { "Content-Type": "application/json", Accept: "application/json", "Idempotency-Key": this.key },
        body: JSON.stringify(answers),
      });
      let body = null;
      try {
        body = await response.json();
      } catch {
        body = null;
      }
      return { status: response.status, body, retryAfter: response.headers.get("Retry-After") };
    } catch {
      return { status: 0, body: null, retryAfter: null };
    }
  }

  /** Multipart through XMLHttpRequest: fetch cannot report an upload's progress. */
  sendMultipart(answers) {
    const data = new FormData();
    for (const [name, value] of Object.entries(answers)) {
      if (Array.isArray(value)) value.forEach((item) => data.append(name, item));
      else if (value instanceof Blob) data.append(name, value, value.name);
      else data.append(name, typeof value === "boolean" ? String(value) : value);
    }
    return new Promise((resolve) => {
      const request = new XMLHttpRequest();
      request.open("POST", this.submitUrl());
      request.setRequestHeader("Accept", "application/json");
      request.setRequestHeader("Idempotency-Key", this.key);
      this.progressBar.value = 0;
      this.progressBox.hidden = false;
      let announced = 0;
      request.upload.addEventListener("progress", (progress) => {
        if (!progress.lengthComputable) return;
        const percent = Math.round((progress.loaded / progress.total) * 100);
        this.progressBar.value = percent;
        this.dispatchEvent(new CustomEvent("membership-form-progress", { detail: { percent }, bubbles: true, composed: true }));
        if (percent - announced >= 25 || percent === 100) {
          announced = percent;
          const shown = new Intl.NumberFormat(`${this.language}-u-nu-latn`, { style: "percent" }).format(percent / 100);
          this.status.textContent = format(this.words.labelled, { label: this.words.progress, message: shown });
        }
      });
      request.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch {
          body = null;
        }
        resolve({ status: request.status, body, retryAfter: request.getResponseHeader("Retry-After") });
      });
      request.addEventListener("error", () => resolve({ status: 0, body: null, retryAfter: null }));
      request.addEventListener("abort", () => resolve({ status: 0, body: null, retryAfter: null }));
      request.send(data);
    });
  }

  answered({ status, body, retryAfter }) {
    const words = this.words;
    if (status === 202 && body?.reference) {
      this.confirm(body);
      return;
    }
    this.resetCaptcha();
    const errors = body?.errors && typeof body.errors === "object" ? body.errors : {};
    const fieldNames = new Set(this.definition.fields.map((field) => field.name));
    const byField = {};
    const general = [];
    for (const [name, messages] of Object.entries(errors)) {
      if (fieldNames.has(name)) byField[name] = messages;
      else general.push(...messages);
    }
    if (status === 429 || status === 503) {
      // Wait as the server asks; the same answers keep the same key, so a second send is safe.
      const seconds = Math.max(1, parseInt(retryAfter, 10) || 5);
      if (!general.length) general.push(format(words.busy, { seconds }));
      this.button.disabled = true;
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => {
        this.button.disabled = false;
        this.status.textContent = words.again;
      }, seconds * 1000);
    } else if (status === 0) {
      general.push(words.offline);
    } else if (!general.length && !Object.keys(byField).length) {
      general.push(words.failed);
    }
    this.showErrors(byField, general);
  }

  confirm(body) {
    const words = this.words;
    const form = this.definition;
    this.form.hidden = true;
    this.summary.hidden = true;
    if (this.introBox) this.introBox.hidden = true;
    const heading = element("h3", { tabindex: "-1", text: words.thanks });
    const gift = body.donation;
    this.done.replaceChildren(
      heading,
      element("p", { class: "reference", part: "reference", role: "status" },
        `${words.reference} `, element("strong", { dir: "ltr", text: body.reference })),
    );
    if (gift?.method === "pledge") this.done.append(this.pledge(body.reference, gift, false));
    if (gift && gift.method !== "pledge") {
      // Paid online: the site's gift page shows the thank-you text once Stripe sends them back.
      this.done.append(this.checkout(body.reference, gift));
    } else if (form.thank_you_text) {
      this.done.append(this.richText(form.thank_you_text, "thank-you"));
    } else if (!gift) {
      this.done.append(element("p", { text: words.confirmation }));
    }
    this.done.hidden = false;
    heading.focus();
    this.dispatchEvent(new CustomEvent("membership-form-submitted", {
      detail: { reference: body.reference, status: body.status, form: form.id },
      bubbles: true,
      composed: true,
    }));
  }

  /** How to give offline: the page's bank and postal details, with the reference. */
  pledge(reference, gift, instead) {
    const words = this.words;
    const box = element("section", { class: "pledge", part: "pledge", "aria-labelledby": "mf-pledge-title" },
      element("h3", { id: "mf-pledge-title", text: instead ? words.pledgeInstead : words.pledgeTitle }),
      element("p", {}, ...words.pledgeText.split(/(\{reference\})/).map((part) => (
        part === "{reference}" ? element("bdi", { dir: "ltr", text: reference }) : part))));
    if (gift.pledge_instructions) box.append(this.richText(gift.pledge_instructions, "instructions"));
    return box;
  }

  /** A gift paid online: wait for Stripe Checkout, then take the donor there. */
  checkout(reference, gift) {
    const box = element("div", { part: "payment" });
    const status = element("p", { class: "status", role: "status", text: this.words.preparing });
    box.append(status);
    this.followGift(reference, gift, box, status, Date.now() + CHECKOUT_WAIT_MS);
    return box;
  }

  async followGift(reference, gift, box, status, deadline) {
    const words = this.words;
    const donorPage = () => (gift.donor_page_url
      ? element("p", {}, element("a", { href: gift.donor_page_url, text: words.donorPage }))
      : null);
    if (gift.payment_url) {
      status.replaceChildren(element("a", { href: gift.payment_url, part: "payment-link", text: words.toPayment }));
      this.dispatchEvent(new CustomEvent("membership-form-checkout", {
        detail: { reference, url: gift.payment_url, form: this.definition.id },
        bubbles: true,
        composed: true,
      }));
      try {
        window.top.location.assign(gift.payment_url); // the whole page, also from a frame
      } catch {
        window.location.assign(gift.payment_url);
      }
      return;
    }
    if (gift.checkout_failed) {
      status.textContent = words.checkoutFailed;
      box.append(...[donorPage(), this.pledge(reference, gift, true)].filter(Boolean));
      return;
    }
    if (Date.now() >= deadline) {
      status.textContent = words.checkoutSlow;
      box.append(...[donorPage()].filter(Boolean));
      return;
    }
    await new Promise((resolve) => { this.giftTimer = setTimeout(resolve, CHECKOUT_POLL_MS); });
    if (!box.isConnected) return; // the form was loaded again meanwhile
    let next = gift;
    try {
      const response = await fetch(new URL(`donations/${encodeURIComponent(gift.token)}/`, this.apiBase), {
        headers: { Accept: "application/json" },
        credentials: "omit",
      });
      if (response.ok) next = { ...gift, ...(await response.json()) };
    } catch {
      next = gift; // no answer this time: ask again until the deadline
    }
    this.followGift(reference, next, box, status, deadline);
  }
}

if (!customElements.get("membership-form")) {
  customElements.define("membership-form", MembershipForm);
}
