"""Standard mandates for the bodies that exist before mandates did.

A frozen copy of `organisation.mandates.STANDARD_MANDATES` as it was when mandates came:
(kind, scope, area, basis) per kind of body. Bodies that have a mandate are left alone.
"""

from django.db import migrations

STANDARD = {'council_assembly': [('decide',
                       'budget',
                       'organisation',
                       'Kommunfullmäktige ansvarar övergripande för hållbarhetsarbetet och '
                       'beslutar om strategin och ramverket, mål och budget och fullmäktiges '
                       'mål.'),
                      ('decide',
                       'council_goal',
                       'organisation',
                       'Kommunfullmäktige ansvarar övergripande för hållbarhetsarbetet och '
                       'beslutar om strategin och ramverket, mål och budget och fullmäktiges '
                       'mål.'),
                      ('decide',
                       'programme',
                       'organisation',
                       'Kommunfullmäktige ansvarar övergripande för hållbarhetsarbetet och '
                       'beslutar om strategin och ramverket, mål och budget och fullmäktiges '
                       'mål.'),
                      ('decide',
                       'strategy',
                       'organisation',
                       'Kommunfullmäktige ansvarar övergripande för hållbarhetsarbetet och '
                       'beslutar om strategin och ramverket, mål och budget och fullmäktiges '
                       'mål.')],
 'executive_board': [('decide',
                      'action_plan',
                      'organisation',
                      'Kommunstyrelsen beslutar om tvärsektoriella hållbarhetsprogram och '
                      'andra strategier, planer och program som gäller hela kommunkoncernen.'),
                     ('decide',
                      'programme',
                      'organisation',
                      'Kommunstyrelsen beslutar om tvärsektoriella hållbarhetsprogram och '
                      'andra strategier, planer och program som gäller hela kommunkoncernen.'),
                     ('decide',
                      'report',
                      'organisation',
                      'Kommunstyrelsen beslutar om tvärsektoriella hållbarhetsprogram och '
                      'andra strategier, planer och program som gäller hela kommunkoncernen.'),
                     ('decide',
                      'action',
                      'own',
                      'Kommunstyrelsen beslutar om planer inom ramen för sitt grunduppdrag.'),
                     ('decide',
                      'committee_goal',
                      'own',
                      'Kommunstyrelsen beslutar om planer inom ramen för sitt grunduppdrag.'),
                     ('prepare',
                      'budget',
                      'organisation',
                      'Kommunstyrelsen bereder fullmäktiges ärenden.'),
                     ('prepare',
                      'council_goal',
                      'organisation',
                      'Kommunstyrelsen bereder fullmäktiges ärenden.'),
                     ('prepare',
                      'strategy',
                      'organisation',
                      'Kommunstyrelsen bereder fullmäktiges ärenden.'),
                     ('follow_up',
                      'action',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'action_plan',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'analysis',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'budget',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'committee_goal',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'council_goal',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'indicator',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'programme',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'report',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.'),
                     ('follow_up',
                      'strategy',
                      'organisation',
                      'Kommunstyrelsen är processägare och ansvarar för samordnad '
                      'årsplanering och uppföljning.')],
 'sustainability_committee': [('prepare',
                               'action_plan',
                               'organisation',
                               'Hållbarhetsutskottet bereder förslag till beslut i frågor som '
                               'kräver gemensam hantering och föreslår hållbarhetsrådets '
                               'sammansättning.'),
                              ('prepare',
                               'council_composition',
                               'organisation',
                               'Hållbarhetsutskottet bereder förslag till beslut i frågor som '
                               'kräver gemensam hantering och föreslår hållbarhetsrådets '
                               'sammansättning.'),
                              ('prepare',
                               'programme',
                               'organisation',
                               'Hållbarhetsutskottet bereder förslag till beslut i frågor som '
                               'kräver gemensam hantering och föreslår hållbarhetsrådets '
                               'sammansättning.'),
                              ('prepare',
                               'strategy',
                               'organisation',
                               'Hållbarhetsutskottet bereder förslag till beslut i frågor som '
                               'kräver gemensam hantering och föreslår hållbarhetsrådets '
                               'sammansättning.')],
 'sustainability_council': [('advise',
                             'action_plan',
                             'organisation',
                             'Hållbarhetsrådet är referensgrupp och har en rådgivande roll. '
                             'Rådet har inget beslutsmandat.'),
                            ('advise',
                             'programme',
                             'organisation',
                             'Hållbarhetsrådet är referensgrupp och har en rådgivande roll. '
                             'Rådet har inget beslutsmandat.'),
                            ('advise',
                             'strategy',
                             'organisation',
                             'Hållbarhetsrådet är referensgrupp och har en rådgivande roll. '
                             'Rådet har inget beslutsmandat.'),
                            ('initiate',
                             'action',
                             'organisation',
                             'Hållbarhetsrådet lyfter och initierar förslag till '
                             'utvecklingsområden.'),
                            ('initiate',
                             'action_plan',
                             'organisation',
                             'Hållbarhetsrådet lyfter och initierar förslag till '
                             'utvecklingsområden.'),
                            ('initiate',
                             'programme',
                             'organisation',
                             'Hållbarhetsrådet lyfter och initierar förslag till '
                             'utvecklingsområden.'),
                            ('prepare',
                             'action_plan',
                             'organisation',
                             'Hållbarhetsrådet involveras kring större planer och program och '
                             'kan ha en beredande roll.'),
                            ('prepare',
                             'programme',
                             'organisation',
                             'Hållbarhetsrådet involveras kring större planer och program och '
                             'kan ha en beredande roll.')],
 'committee': [('decide',
                'action',
                'own',
                'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                'deras verksamhet.'),
               ('decide',
                'action_plan',
                'own',
                'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                'deras verksamhet.'),
               ('decide',
                'committee_goal',
                'own',
                'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                'deras verksamhet.'),
               ('implement',
                'action',
                'own',
                'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                'arbete som ingår i deras grunduppdrag.'),
               ('implement',
                'action_plan',
                'own',
                'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                'arbete som ingår i deras grunduppdrag.'),
               ('implement',
                'analysis',
                'own',
                'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                'arbete som ingår i deras grunduppdrag.'),
               ('initiate',
                'action',
                'own',
                'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
               ('initiate',
                'committee_goal',
                'own',
                'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
               ('follow_up', 'action', 'own', 'Nämnderna följer upp sina mål och åtgärder.'),
               ('follow_up',
                'committee_goal',
                'own',
                'Nämnderna följer upp sina mål och åtgärder.')],
 'company': [('decide',
              'action',
              'own',
              'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör deras '
              'verksamhet.'),
             ('decide',
              'action_plan',
              'own',
              'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör deras '
              'verksamhet.'),
             ('decide',
              'committee_goal',
              'own',
              'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör deras '
              'verksamhet.'),
             ('implement',
              'action',
              'own',
              'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
              'arbete som ingår i deras grunduppdrag.'),
             ('implement',
              'action_plan',
              'own',
              'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
              'arbete som ingår i deras grunduppdrag.'),
             ('implement',
              'analysis',
              'own',
              'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
              'arbete som ingår i deras grunduppdrag.'),
             ('initiate',
              'action',
              'own',
              'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
             ('initiate',
              'committee_goal',
              'own',
              'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
             ('follow_up', 'action', 'own', 'Nämnderna följer upp sina mål och åtgärder.'),
             ('follow_up',
              'committee_goal',
              'own',
              'Nämnderna följer upp sina mål och åtgärder.')],
 'federation': [('decide',
                 'action',
                 'own',
                 'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                 'deras verksamhet.'),
                ('decide',
                 'action_plan',
                 'own',
                 'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                 'deras verksamhet.'),
                ('decide',
                 'committee_goal',
                 'own',
                 'Nämnderna kan själva besluta om mål och aktiviteter som specifikt berör '
                 'deras verksamhet.'),
                ('implement',
                 'action',
                 'own',
                 'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                 'arbete som ingår i deras grunduppdrag.'),
                ('implement',
                 'action_plan',
                 'own',
                 'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                 'arbete som ingår i deras grunduppdrag.'),
                ('implement',
                 'analysis',
                 'own',
                 'Nämnderna och styrelserna ansvarar för genomförande och samordning av det '
                 'arbete som ingår i deras grunduppdrag.'),
                ('initiate',
                 'action',
                 'own',
                 'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
                ('initiate',
                 'committee_goal',
                 'own',
                 'Nämnderna lyfter och initierar hållbarhetsfrågor inom sitt ansvarsområde.'),
                ('follow_up', 'action', 'own', 'Nämnderna följer upp sina mål och åtgärder.'),
                ('follow_up',
                 'committee_goal',
                 'own',
                 'Nämnderna följer upp sina mål och åtgärder.')],
 'management_group': [('follow_up',
                       'action',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'action_plan',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'analysis',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'budget',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'committee_goal',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'council_goal',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'indicator',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'programme',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'report',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('follow_up',
                       'strategy',
                       'organisation',
                       'Kommunchefens ledningsgrupp leder och följer upp det övergripande '
                       'hållbarhetsarbetet.'),
                      ('appoint',
                       'working_group',
                       'organisation',
                       'Kommunchefens ledningsgrupp utser och tillsätter arbetsgrupper och '
                       'ger dem uppdrag.'),
                      ('initiate',
                       'analysis',
                       'organisation',
                       'Kommunchefens ledningsgrupp ger uppdrag till analysgruppen.')],
 'analysis_group': [('coordinate',
                     'action',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'action_plan',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'analysis',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'budget',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'committee_goal',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'council_goal',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'goal_set',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'indicator',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'programme',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'report',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('coordinate',
                     'strategy',
                     'organisation',
                     'Analysgruppen håller samman, samordnar, strukturerar och planerar det '
                     'strategiska arbetet för hela kommunen.'),
                    ('follow_up',
                     'action',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'action_plan',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'analysis',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'budget',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'committee_goal',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'council_goal',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'indicator',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'programme',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'report',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.'),
                    ('follow_up',
                     'strategy',
                     'organisation',
                     'Analysgruppen ansvarar för det övergripande planerings- och '
                     'uppföljningsarbetet.')],
 'working_group': [('implement',
                    'action',
                    'own',
                    'Arbetsgruppen arbetar inom ramen för sitt uppdrag från kommunchefens '
                    'ledningsgrupp.'),
                   ('implement',
                    'analysis',
                    'own',
                    'Arbetsgruppen arbetar inom ramen för sitt uppdrag från kommunchefens '
                    'ledningsgrupp.')]}


def seed(apps, schema_editor):
    Body = apps.get_model("organisation", "Body")
    Mandate = apps.get_model("organisation", "Mandate")
    for body in Body.objects.filter(mandates__isnull=True):
        Mandate.objects.bulk_create(
            Mandate(
                organisation_id=body.organisation_id,
                body=body,
                kind=kind,
                scope=scope,
                area=area,
                note=note,
            )
            for kind, scope, area, note in STANDARD.get(body.kind, ())
        )


class Migration(migrations.Migration):
    dependencies = [("organisation", "0003_mandates_and_organisation_roles")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
