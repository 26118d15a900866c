# ruff: noqa: RUF001  (French typography: the typographic apostrophe, as in the demo content)
"""Decline reasons for each review queue, in the four languages (translatable snippets
that staff edit under Snippets → Decline reasons). Created once; never overwritten."""

from wagtail.models import Locale

from membership_forms.models import DeclineReason, ReviewQueue

from .content import DEFAULT_LANGUAGE

NBSP = "\u00a0"  # French: before ; : ? !

# queue -> code -> language -> (title, text for the applicant)
REASONS: dict[str, dict[str, dict[str, tuple[str, str]]]] = {
    ReviewQueue.MEMBERSHIP: {
        "not-independent": {
            "en": (
                "Not independent of government",
                "Members of the Coalition must operate independently, neutrally and"
                " impartially, free of government influence. On the information provided,"
                " your organisation does not meet this criterion.",
            ),
            "fr": (
                "Absence d’indépendance à l’égard des gouvernements",
                "Les Membres de la Coalition doivent agir de manière indépendante, neutre et"
                " impartiale, à l’abri de toute influence gouvernementale. Au vu des"
                " informations fournies, votre organisation ne remplit pas ce critère.",
            ),
            "es": (
                "Falta de independencia respecto de los gobiernos",
                "Los Miembros de la Coalición deben actuar de forma independiente, neutral e"
                " imparcial, libre de influencia gubernamental. Según la información"
                " facilitada, su organización no cumple este criterio.",
            ),
            "ar": (
                "عدم الاستقلال عن الحكومات",
                "يجب أن يعمل أعضاء التحالف على نحو مستقل ومحايد ونزيه، بمعزل عن أي تأثير"
                " حكومي. واستنادًا إلى المعلومات المقدّمة، لا تستوفي منظمتكم هذا المعيار.",
            ),
        },
        "no-rtop-programme": {
            "en": (
                "No programme related to the Responsibility to Protect",
                "Members of the Coalition run an active programme related to the"
                " Responsibility to Protect and commit to working with the Coalition. Your"
                " application does not show such a programme at present; you are welcome to"
                " apply as an NGO Supporter.",
            ),
            "fr": (
                "Absence de programme lié à la responsabilité de protéger",
                "Les Membres de la Coalition mènent un programme actif lié à la"
                " responsabilité de protéger et s’engagent à œuvrer avec la Coalition. Votre"
                f" demande ne fait pas état d’un tel programme à ce jour{NBSP}; nous vous"
                " invitons à solliciter le statut d’ONG sympathisante.",
            ),
            "es": (
                "Sin programa relacionado con la responsabilidad de proteger",
                "Los Miembros de la Coalición llevan a cabo un programa activo relacionado"
                " con la responsabilidad de proteger y se comprometen a trabajar con la"
                " Coalición. Su solicitud no muestra que cuente actualmente con un programa"
                " de ese tipo; le invitamos a solicitar la condición de ONG simpatizante.",
            ),
            "ar": (
                "عدم وجود برنامج متصل بمسؤولية الحماية",
                "ينفّذ أعضاء التحالف برنامجًا فعّالًا متصلًا بمسؤولية الحماية ويلتزمون"
                " بالعمل مع التحالف. ولا يتبيّن من طلبكم وجود مثل هذا البرنامج حاليًا؛"
                " ونرحّب بتقديمكم طلبًا للانضمام بصفة منظمة غير حكومية داعمة.",
            ),
        },
        "no-endorsement": {
            "en": (
                "Common understanding not endorsed",
                "Membership requires endorsing the Coalition’s common understanding of the"
                " Responsibility to Protect and the purposes for which the Coalition was"
                " founded, which your application does not do.",
            ),
            "fr": (
                "Entente commune non souscrite",
                "Le statut de Membre suppose de souscrire à l’Entente commune sur la"
                " responsabilité de protéger ainsi qu’aux objectifs pour lesquels la"
                " Coalition a été créée, ce que votre demande ne fait pas.",
            ),
            "es": (
                "Entendimiento Común no suscrito",
                "La condición de Miembro exige suscribir el Entendimiento Común sobre la"
                " responsabilidad de proteger y los propósitos para los que se creó la"
                " Coalición, lo que su solicitud no hace.",
            ),
            "ar": (
                "عدم الالتزام بالفهم المشترك",
                "تقتضي العضوية الالتزام بالفهم المشترك لمسؤولية الحماية الذي يعتمده التحالف"
                " وبالأغراض التي أُنشئ التحالف من أجلها، وهو ما لا يتضمّنه طلبكم.",
            ),
        },
    },
    ReviewQueue.SUPPORTER: {
        "government-controlled": {
            "en": (
                "Operated or controlled by a government",
                "NGO Supporters must be independent non-governmental organisations. On the"
                " information provided, your organisation is operated or controlled by a"
                " government.",
            ),
            "fr": (
                "Organisation gérée ou contrôlée par un gouvernement",
                "Les ONG sympathisantes doivent être des organisations non gouvernementales"
                " indépendantes. Au vu des informations fournies, votre organisation est"
                " gérée ou contrôlée par un gouvernement.",
            ),
            "es": (
                "Gestionada o controlada por un gobierno",
                "Las ONG simpatizantes deben ser organizaciones no gubernamentales"
                " independientes. Según la información facilitada, su organización está"
                " gestionada o controlada por un gobierno.",
            ),
            "ar": (
                "منظمة تديرها حكومة أو تخضع لسيطرتها",
                "يجب أن تكون المنظمات غير الحكومية الداعمة منظمات غير حكومية مستقلة."
                " واستنادًا إلى المعلومات المقدّمة، فإن منظمتكم تديرها حكومة أو تخضع لسيطرتها.",
            ),
        },
        "for-profit": {
            "en": (
                "Private company",
                "Only not-for-profit organisations may become NGO Supporters. A private"
                " company may apply through its not-for-profit component, if it has one.",
            ),
            "fr": (
                "Entreprise privée",
                "Seules les organisations à but non lucratif peuvent devenir ONG"
                " sympathisantes. Une entreprise privée peut présenter une demande par"
                " l’intermédiaire de sa branche à but non lucratif, si elle en a une.",
            ),
            "es": (
                "Empresa privada",
                "Solo las organizaciones sin fines de lucro pueden ser ONG simpatizantes."
                " Una empresa privada puede presentar su solicitud a través de su rama sin"
                " fines de lucro, si la tiene.",
            ),
            "ar": (
                "شركة خاصة",
                "لا يحق الانضمام بصفة منظمة غير حكومية داعمة إلا للمنظمات غير الربحية."
                " ويجوز للشركة الخاصة أن تتقدّم بطلب عن طريق فرعها غير الربحي، إن وُجد.",
            ),
        },
        "individual": {
            "en": (
                "Individual applicant",
                "The NGO Supporter category is open to organisations only. You are welcome"
                " to follow our work through our newsletter.",
            ),
            "fr": (
                "Demande présentée à titre individuel",
                "La catégorie des ONG sympathisantes est réservée aux organisations. Vous"
                " pouvez suivre nos activités grâce à notre lettre d’information.",
            ),
            "es": (
                "Solicitud a título individual",
                "La categoría de ONG simpatizante está reservada a las organizaciones. Puede"
                " seguir nuestras actividades a través de nuestro boletín.",
            ),
            "ar": (
                "طلب مقدّم بصفة فردية",
                "فئة المنظمات غير الحكومية الداعمة مخصّصة للمنظمات وحدها. ويسعدنا أن"
                " تتابعوا أنشطتنا من خلال نشرتنا الإخبارية.",
            ),
        },
    },
    ReviewQueue.INTERNSHIP: {
        "term-full": {
            "en": (
                "Term full",
                "All places for the term you chose have been filled. We encourage you to"
                " apply for a later term.",
            ),
            "fr": (
                "Session complète",
                "Toutes les places de la session que vous avez choisie sont pourvues. Nous"
                " vous encourageons à présenter votre candidature pour une session"
                " ultérieure.",
            ),
            "es": (
                "Periodo completo",
                "Se han cubierto todas las plazas del periodo que eligió. Le animamos a"
                " presentar su solicitud para un periodo posterior.",
            ),
            "ar": (
                "اكتمال الدورة",
                "شُغلت جميع الأماكن المتاحة في الدورة التي اخترتموها. ونشجّعكم على التقدّم"
                " بطلب للالتحاق بدورة لاحقة.",
            ),
        },
        "study-level": {
            "en": (
                "Level of studies",
                "Our internships are open to advanced undergraduate and graduate students."
                " Your application does not meet this requirement.",
            ),
            "fr": (
                "Niveau d’études",
                "Nos stages sont ouverts aux étudiants en fin de licence et aux étudiants de"
                " master. Votre candidature ne remplit pas cette condition.",
            ),
            "es": (
                "Nivel de estudios",
                "Nuestras pasantías están abiertas a estudiantes avanzados de grado y a"
                " estudiantes de posgrado. Su solicitud no cumple este requisito.",
            ),
            "ar": (
                "المستوى الدراسي",
                "برامج التدريب لدينا مفتوحة لطلاب المرحلة الجامعية المتقدمة ولطلاب"
                " الدراسات العليا. ولا يستوفي طلبكم هذا الشرط.",
            ),
        },
        "english": {
            "en": (
                "Command of English",
                "The internship requires at least a good working knowledge of English,"
                " which your application does not show.",
            ),
            "fr": (
                "Maîtrise de l’anglais",
                "Le stage exige au moins une bonne connaissance pratique de l’anglais, que"
                " votre candidature ne fait pas apparaître.",
            ),
            "es": (
                "Dominio del inglés",
                "La pasantía exige al menos un buen conocimiento práctico del inglés, que su"
                " solicitud no acredita.",
            ),
            "ar": (
                "إتقان اللغة الإنجليزية",
                "يتطلّب التدريب معرفة عملية جيدة باللغة الإنجليزية على الأقل، وهو ما لا"
                " يتبيّن من طلبكم.",
            ),
        },
    },
    ReviewQueue.DONATION: {
        "independence": {
            "en": (
                "Gift not compatible with the Coalition's independence",
                "The Coalition does not accept gifts that could compromise its independence"
                " and impartiality, in particular from governments, political parties or"
                " parties to an armed conflict. The Secretariat will contact you to return"
                " any amount already paid.",
            ),
            "fr": (
                "Don incompatible avec l’indépendance de la Coalition",
                "La Coalition n’accepte pas les dons susceptibles de compromettre son"
                " indépendance et son impartialité, notamment ceux des gouvernements, des"
                " partis politiques ou des parties à un conflit armé. Le Secrétariat prendra"
                " contact avec vous pour vous restituer toute somme déjà versée.",
            ),
            "es": (
                "Donación incompatible con la independencia de la Coalición",
                "La Coalición no acepta donaciones que puedan comprometer su independencia e"
                " imparcialidad, en particular de gobiernos, partidos políticos o partes en"
                " un conflicto armado. La Secretaría se pondrá en contacto con usted para"
                " devolverle cualquier importe ya abonado.",
            ),
            "ar": (
                "تبرّع لا يتّفق مع استقلال التحالف",
                "لا يقبل التحالف التبرعات التي قد تمسّ استقلاله وحياده، ولا سيما من"
                " الحكومات أو الأحزاب السياسية أو أطراف النزاعات المسلحة. وستتواصل معكم"
                " الأمانة لردّ أي مبلغ سبق دفعه.",
            ),
        },
        "source-unverified": {
            "en": (
                "Origin of the funds could not be confirmed",
                "For gifts of this size the Coalition must be able to confirm the origin of"
                " the funds. We could not do so from the information provided. The"
                " Secretariat will contact you to return any amount already paid.",
            ),
            "fr": (
                "Origine des fonds non confirmée",
                "Pour les dons de ce montant, la Coalition doit pouvoir confirmer l’origine"
                " des fonds, ce que les informations fournies ne nous ont pas permis de"
                " faire. Le Secrétariat prendra contact avec vous pour vous restituer toute"
                " somme déjà versée.",
            ),
            "es": (
                "No se pudo confirmar el origen de los fondos",
                "Para donaciones de este importe, la Coalición debe poder confirmar el origen"
                " de los fondos, lo que no ha sido posible con la información facilitada. La"
                " Secretaría se pondrá en contacto con usted para devolverle cualquier"
                " importe ya abonado.",
            ),
            "ar": (
                "تعذّر التحقق من مصدر الأموال",
                "في التبرعات بهذا الحجم، يتعيّن على التحالف التحقق من مصدر الأموال، وهو ما"
                " تعذّر استنادًا إلى المعلومات المقدّمة. وستتواصل معكم الأمانة لردّ أي مبلغ"
                " سبق دفعه.",
            ),
        },
    },
}


def ensure_decline_reasons(languages: list[str]) -> None:
    """Each queue's reasons in the default language, then their translations in
    `languages`; a reason or translation that exists (perhaps edited) is left alone."""
    default = Locale.objects.get(language_code=DEFAULT_LANGUAGE)
    for queue, reasons in REASONS.items():
        for code, texts in reasons.items():
            title, text = texts[DEFAULT_LANGUAGE]
            source, _ = DeclineReason.objects.get_or_create(
                locale=default, queue=queue, code=code, defaults={"title": title, "text": text}
            )
            for language in languages:
                locale = Locale.objects.get(language_code=language)
                if source.has_translation(locale) or language not in texts:
                    continue
                translation = source.copy_for_translation(locale)
                translation.title, translation.text = texts[language]
                translation.save()
