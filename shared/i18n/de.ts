import type { Strings } from './en.ts';

export const de: Strings = {
  'field.email': 'E-Mail',
  'field.name': 'Vor- und Nachname',
  'field.firstName': 'Vorname',
  'field.lastName': 'Nachname',
  'field.phone': 'Telefonnummer',
  'field.organisationName': 'Name der Organisation',
  'field.domain': 'Domain der Unternehmenswebsite',
  'field.inn': 'INN (russische Steuernummer)',
  'field.companyNumber': 'Handelsregisternummer',
  'field.holdingNumber': 'Betriebsnummer (CPH)',
  'field.country': 'Land',
  'field.vat': 'USt-IdNr.',
  'field.street': 'Straße',
  'field.houseNumber': 'Hausnummer',
  'field.zip': 'Postleitzahl',
  'field.city': 'Ort',
  'field.login': 'Benutzername',
  'field.password': 'Passwort',
  'field.inviteCode': 'Einladungscode',
  'hint.phone': 'Mit Ländervorwahl, z. B. {example}',
  'hint.domain': 'Zum Beispiel beispiel.de',
  'hint.inn': '10 Ziffern für Organisationen, 12 für Einzelunternehmer',
  'hint.holdingNumber': 'County/Parish/Holding, z. B. 12/345/6789',
  'error.required': 'Bitte füllen Sie dieses Feld aus.',
  'error.too_long': 'Die Eingabe ist zu lang.',
  'error.invalid': 'Dieser Wert ist ungültig.',
  'error.invalid_characters': 'Die Eingabe enthält unzulässige Zeichen.',
  'error.invalid_email': 'Geben Sie eine E-Mail-Adresse im Format name@beispiel.de ein.',
  'error.invalid_phone': 'Geben Sie eine Telefonnummer mit Ländervorwahl ein.',
  'error.invalid_domain': 'Geben Sie eine Domain wie beispiel.de ein, ohne https:// und ohne Pfad.',
  'error.invalid_inn': 'Diese INN ist ungültig: Bitte prüfen Sie die Ziffern.',
  'error.unknown_field': 'Dieses Feld wird hier nicht akzeptiert.',
  'error.already_registered': 'Dieser Wert ist bereits registriert.',
  'error.invalid_code': 'Dieser Code ist nicht korrekt.',
  'problem.provider_unavailable':
    'Die Registrierung ist derzeit nicht möglich. Ihre Angaben bleiben erhalten: Bitte versuchen Sie es gleich noch einmal.',
  'problem.rate_limited':
    'Zu viele Versuche. Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
  'problem.network':
    'Der Server ist nicht erreichbar. Bitte prüfen Sie Ihre Internetverbindung und versuchen Sie es erneut.',
  'problem.generic': 'Es ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut.',
  'problem.not_found':
    'Diese Registrierung ist hier nicht mehr bekannt. Wählen Sie „E-Mail-Adresse ändern“ und senden Sie das Formular erneut.',
  'problem.captcha': 'Bitte schließen Sie die Prüfung oben ab und senden Sie das Formular erneut.',
  'problem.load': 'Das Registrierungsformular konnte nicht geladen werden.',
  'form.required': 'erforderlich',
  'form.requiredNote': 'Mit * gekennzeichnete Felder sind erforderlich.',
  'form.optional': 'optional',
  'form.submit': 'Registrieren',
  'form.submitting': 'Wird registriert…',
  'form.retry': 'Erneut versuchen',
  'form.loading': 'Wird geladen…',
  'form.summary': 'Bitte korrigieren Sie die markierten Felder.',
  'form.consent': 'Ich stimme den {terms} und der {privacy} zu.',
  'form.consentPlain':
    'Ich bin mit der Verarbeitung meiner Daten für diese Registrierung einverstanden.',
  'form.terms': 'Nutzungsbedingungen',
  'form.privacy': 'Datenschutzerklärung',
  'form.consentRequired': 'Bitte stimmen Sie zu, um fortzufahren.',
  'done.title': 'Registrierung abgeschlossen',
  'done.body': 'Vielen Dank. Ihre Organisation wurde registriert.',
  'done.password':
    'Ihr generiertes Passwort (wird nur einmal angezeigt, bitte bewahren Sie es sicher auf):',
  'field.code': 'Bestätigungscode',
  'form.choose': 'Bitte wählen…',
  'problem.too_many_attempts':
    'Zu viele Versuche. Bitte fordern Sie einen neuen Code an und versuchen Sie es dann erneut.',
  'step.verify.title': 'Bestätigungscode eingeben',
  'step.verify.body': 'Wir haben einen sechsstelligen Code an {email} gesendet.',
  'step.verify.submit': 'Bestätigen',
  'step.verify.submitting': 'Wird geprüft…',
  'step.resend.code': 'Neuen Code senden',
  'step.resend.email': 'E-Mail erneut senden',
  'step.resend.wait': 'Erneutes Senden in {seconds} s möglich.',
  'step.resend.sent': 'Gesendet. Bitte prüfen Sie Ihren Posteingang und Ihren Spam-Ordner.',
  'step.email.title': 'Prüfen Sie Ihr E-Mail-Postfach',
  'step.email.body':
    'Wir haben einen Bestätigungslink an {email} gesendet. Öffnen Sie ihn, um Ihr Konto zu aktivieren.',
  'step.approval.title': 'Anfrage eingegangen',
  'step.approval.body':
    'Ihre Registrierung wartet auf Freigabe. Sie erhalten eine E-Mail, sobald Ihr Konto aktiviert ist.',
  'done.requested.title': 'Anfrage gesendet',
  'done.requested.body':
    'Vielen Dank. Unser Team meldet sich bei Ihnen, um Ihr Konto einzurichten.',
  'error.too_short': 'Bitte mindestens {minLength} Zeichen verwenden.',
  'error.common_password': 'Dieses Passwort ist zu verbreitet: Bitte wählen Sie ein anderes.',
  'error.invalid_vat': 'Diese USt-IdNr. ist ungültig: Bitte prüfen Sie Ländercode und Ziffern.',
  'error.invalid_company_number':
    'Diese Firmennummer ist ungültig: 8 Ziffern oder 2 Buchstaben und 6 Ziffern.',
  'error.invalid_holding_number':
    'Geben Sie die Betriebsnummer als 12/345/6789 ein: 2, 3 und 4 Ziffern.',
  'error.company_liquidated':
    'Laut Register ist dieses Unternehmen liquidiert oder in Liquidation.',
  'error.company_dissolved': 'Laut Register ist dieses Unternehmen aufgelöst.',
  'error.certificate_required':
    'Für diese Betriebsnummer und Postleitzahl wurde kein gültiges Red-Tractor-Zertifikat gefunden.',
  'error.disposable_email':
    'Bitte eine dauerhafte E-Mail-Adresse verwenden: Diese stammt von einem Wegwerf-Dienst.',
  'error.free_mail_domain':
    'Bitte die eigene Domain Ihres Unternehmens angeben, nicht die eines kostenlosen E-Mail-Dienstes.',
  'error.email_domain_mismatch':
    'Bitte eine E-Mail-Adresse unter der Domain Ihres Unternehmens verwenden.',
  'error.email_domain_no_mail':
    'Diese E-Mail-Domain empfängt keine E-Mails: Bitte den Teil nach dem @ prüfen.',
  'error.requiredChoice': 'Bitte wählen Sie eine Option.',
  'problem.flow_not_found':
    'Dieses Formular ist nicht eingerichtet: Der Betreiber der Website muss den Namen des Ablaufs prüfen.',
  'problem.origin_not_allowed':
    'Diese Website darf das Formular noch nicht verwenden: Der Betreiber muss sie in den Einstellungen des Formulars freigeben.',
  'form.slow': 'Einen Moment noch…',
  'form.signIn': 'Stattdessen anmelden',
  'strength.weak': 'Stärke: schwach',
  'strength.fair': 'Stärke: mittel',
  'strength.strong': 'Stärke: stark',
  'queued.title': 'Anfrage erhalten',
  'queued.body':
    'Wir schließen Ihre Registrierung in Kürze ab: Sie müssen das Formular nicht erneut senden. E-Mails zu Ihrem Konto gehen an {email}.',
  'step.change': 'E-Mail-Adresse ändern',
  'lookup.found': 'Gefunden: {found}',
  'lookup.none': 'Nicht im Register gefunden: Bitte geben Sie die Angaben selbst ein.',
  'lookup.noCertificate':
    'Kein gültiges Red-Tractor-Zertifikat für diesen Betrieb gefunden: Bitte geben Sie die Angaben selbst ein.',
  'lookup.Valid': '– Red-Tractor-Zertifikat gültig bis {expires}.',
  'lookup.Grace': '– Red-Tractor-Zertifikat in der Nachfrist (abgelaufen am {expires}).',
  'form.suggest': 'Meinten Sie {domain}?',
};
