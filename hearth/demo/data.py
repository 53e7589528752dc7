"""Word lists for the synthetic local authority: names by heritage, streets, towns.

Common names only, never paired with real identifiers: NHS numbers come from the 999
test range, UPNs from a local authority number no authority uses, postcodes from an
area (HT) that does not exist, and phone numbers from Ofcom's drama range.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Heritage:
    """A family background: the names it gives and how it is recorded."""

    key: str
    weight: float  # share of families
    ethnicity: tuple[tuple[str, float], ...]  # CIN ethnicity codes and their weights
    languages: tuple[tuple[str, float], ...]  # first language codes and their weights
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]


def _w(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRITISH = Heritage(
    key="british",
    weight=0.60,
    ethnicity=(("WBRI", 0.97), ("NOBT", 0.02), ("REFU", 0.01)),
    languages=(("ENG", 0.99), ("WEL", 0.01)),
    female=_w(
        "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Florence "
        "Willow Poppy Evie Ella Charlotte Daisy Sienna Emily Phoebe Evelyn Harper Millie "
        "Ruby Matilda Elsie Alice Sophie Isabelle Erin Holly Jessica Emma Chloe Megan "
        "Lauren Hannah Amy Rebecca Leah Jade Bethany Courtney Paige Shannon Kayleigh "
        "Danielle Stacey Gemma Kirsty Natalie Kelly Lisa Claire Michelle Nicola Sarah "
        "Rachel Laura Katie Jodie Tegan Ellie Lola Maisie Summer Scarlett Darcie Harriet "
        "Lacey Tilly Imogen Niamh Caitlin Abigail Zoe Jasmine Kiera Demi"
    ),
    male=_w(
        "Oliver George Noah Arthur Leo Harry Oscar Archie Henry Theodore Freddie Jack "
        "Charlie Thomas Jacob Alfie Finley Teddy Lucas Alexander Joshua William James "
        "Daniel Samuel Joseph Ethan Mason Logan Riley Harrison Tyler Kai Reggie Tommy "
        "Ronnie Albie Frankie Stanley Louie Dylan Callum Connor Kieran Jordan Liam "
        "Ryan Jamie Lewis Bradley Luke Aaron Nathan Jake Ben Matthew Adam Craig Lee Dean "
        "Wayne Darren Scott Mark Paul Gary Carl Jason Shane Kyle Reece Brandon Cameron "
        "Ashley Max Toby Elliot Rhys Owen Ellis"
    ),
    surnames=_w(
        "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
        "Evans Walker White Roberts Green Hall Wood Jackson Clarke Hughes Edwards "
        "Turner Hill Harris Martin Cooper Ward Morris Moore Clark Lee King Baker Harrison "
        "Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths "
        "Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox "
        "Richards Marshall Anderson Simpson Ellis Adams Wilkinson Foster "
        "Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen "
        "Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens "
        "Jenkins Murray Dixon Harvey Graham Pearson Fletcher Walsh Gibson "
        "Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox Ford Pearce Day "
        "Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson Ball Burton "
        "O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes "
        "Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley "
        "Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson "
        "Newton Oliver Reed Kennedy Williamson Bird Gardner Dean Lane Cooke Bates "
        "Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross "
        "Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson "
        "Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers "
        "Griffin Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George "
        "Jordan Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles "
        "Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater "
        "Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Lynch Goodwin "
        "Barton Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood "
        "Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath "
        "Norman Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward "
        "Carroll Moran Hargreaves Ashworth Sykes Hirst Whittaker Metcalfe Bradshaw "
    ),
)

IRISH = Heritage(
    key="irish",
    weight=0.015,
    ethnicity=(("WIRI", 0.9), ("WBRI", 0.1)),
    languages=(("ENG", 1.0),),
    female=_w(
        "Aoife Siobhan Niamh Ciara Roisin Saoirse Orla Aisling Grainne Mairead Sinead Eimear"
    ),
    male=_w("Sean Ciaran Padraig Eoin Cormac Declan Oisin Darragh Cillian Fionn Ronan Eamon"),
    surnames=_w(
        "Murphy Kelly O'Sullivan Walsh O'Neill Byrne Ryan O'Connor McCarthy Doherty "
        "Gallagher Kennedy Lynch Murray Quinn Moore McLaughlin Carroll Brennan Fitzgerald"
    ),
)

TRAVELLER = Heritage(
    key="traveller",
    weight=0.015,
    ethnicity=(("WIRT", 0.55), ("WROM", 0.45)),
    languages=(("ENG", 0.8), ("ROM", 0.2)),
    female=_w("Bridget Mary Margaret Kathleen Nora Esmeralda Violet Lavinia Shelby Tiffany"),
    male=_w("Patrick John Michael Martin Tom Levi Lenny Johnny Jimmy Bartley Mikey Joe"),
    surnames=_w(
        "Ward McDonagh Doran Maughan Joyce Delaney Connors Lee Boswell Smith Price Lovell "
        "Stanley Loveridge Cash Buckley"
    ),
)

EASTERN_EUROPEAN = Heritage(
    key="eastern_european",
    weight=0.07,
    ethnicity=(("WOTH", 0.95), ("NOBT", 0.05)),
    languages=(("POL", 0.45), ("ROM", 0.3), ("LIT", 0.15), ("ENG", 0.1)),
    female=_w(
        "Zofia Zuzanna Julia Maja Oliwia Hanna Natalia Agnieszka Katarzyna Magdalena "
        "Ioana Andreea Elena Maria Gabriela Alexandra Ruta Egle Ieva Gabija Monika Dorota"
    ),
    male=_w(
        "Jakub Kacper Szymon Filip Mateusz Piotr Tomasz Krzysztof Michal Andrzej Wojciech "
        "Andrei Ionut Mihai Stefan Florin Marius Lukas Tomas Mantas Jonas Dominik"
    ),
    surnames=_w(
        "Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski "
        "Szymanski Wozniak Dabrowski Kozlowski Jankowski Mazur Krawczyk Popescu Ionescu "
        "Popa Stan Dumitru Radu Constantin Munteanu Kazlauskas Jankauskas Petrauskas "
        "Stankevicius Vasiliauskas Balciunas Novak Horvath Varga"
    ),
)

INDIAN = Heritage(
    key="indian",
    weight=0.025,
    ethnicity=(("AIND", 0.95), ("NOBT", 0.05)),
    languages=(("ENG", 0.55), ("GUJ", 0.25), ("PNJ", 0.2)),
    female=_w("Priya Anjali Pooja Simran Navdeep Harpreet Jaspreet Kiran Riya Diya Anika Meera"),
    male=_w("Arjun Rohan Aarav Vikram Rajesh Sanjay Harjit Gurpreet Manpreet Dev Ravi Amit"),
    surnames=_w(
        "Patel Singh Kaur Sharma Kumar Gill Sandhu Sidhu Dhillon Mistry Shah Joshi Mehta "
        "Chauhan Parmar Solanki Virdee Bains"
    ),
)

PAKISTANI = Heritage(
    key="pakistani",
    weight=0.04,
    ethnicity=(("APKN", 0.95), ("NOBT", 0.05)),
    languages=(("ENG", 0.5), ("URD", 0.3), ("PNJ", 0.2)),
    female=_w(
        "Aisha Fatima Zainab Maryam Hafsa Amina Sana Ayesha Iqra Mehreen Nadia Saima "
        "Sadia Rabia Khadija Zara Anaya Inaya"
    ),
    male=_w(
        "Muhammad Mohammed Ali Hamza Bilal Usman Imran Zain Ibrahim Yusuf Adnan Faisal "
        "Tariq Asif Kamran Rehan Ayaan Haris"
    ),
    surnames=_w(
        "Khan Hussain Ahmed Ali Akhtar Mahmood Iqbal Rehman Shah Aslam Butt Malik Mirza "
        "Anwar Qureshi Rashid Bashir Javed Mehmood Sadiq Nawaz"
    ),
)

BANGLADESHI = Heritage(
    key="bangladeshi",
    weight=0.02,
    ethnicity=(("ABAN", 0.95), ("NOBT", 0.05)),
    languages=(("BEN", 0.5), ("ENG", 0.5)),
    female=_w("Nusrat Tahmina Sumaiya Rumana Shirin Farzana Jannat Rokeya Nazia Salma"),
    male=_w("Abdul Rahman Shahid Jamal Rafiq Mizanur Anisur Habib Sayeed Arif Rubel Tanvir"),
    surnames=_w(
        "Miah Uddin Begum Islam Rahman Ahmed Chowdhury Hoque Alam Hossain Khatun Ullah "
        "Karim Sarkar Talukdar"
    ),
)

BLACK_AFRICAN = Heritage(
    key="black_african",
    weight=0.06,
    ethnicity=(("BAFR", 0.93), ("NOBT", 0.05), ("REFU", 0.02)),
    languages=(("ENG", 0.6), ("SOM", 0.2), ("TIG", 0.1), ("FRN", 0.1)),
    female=_w(
        "Chioma Adaeze Ngozi Funmilayo Oluwaseun Adwoa Akosua Abena Ama Efua Hodan "
        "Fadumo Ayan Hibaq Nasra Semhar Helen Precious Blessing Favour Grace Esther "
        "Tendai Chipo Amara Zuri"
    ),
    male=_w(
        "Chinedu Emeka Oluwaseun Tunde Ayodele Kwame Kofi Kwabena Yaw Kojo Abdirahman "
        "Abdullahi Mohamed Yonas Samuel Daniel Emmanuel Joshua David Tendai Tafadzwa "
        "Jean Olamide Femi"
    ),
    surnames=_w(
        "Okafor Okonkwo Adeyemi Adebayo Oladipo Balogun Eze Nwosu Mensah Asante Boateng "
        "Owusu Osei Appiah Mohamed Abdi Hassan Warsame Farah Tesfaye Haile Bekele "
        "Moyo Ncube Dube Nkosi Mbeki Diallo Kamara Sesay Conteh"
    ),
)

BLACK_CARIBBEAN = Heritage(
    key="black_caribbean",
    weight=0.03,
    ethnicity=(("BCRB", 0.9), ("BOTH", 0.08), ("NOBT", 0.02)),
    languages=(("ENG", 1.0),),
    female=_w(
        "Shanice Tanisha Keisha Aaliyah Jada Imani Shantelle Chantelle Monique Marcia Tianna"
    ),
    male=_w("Marcus Tyrone Jermaine Kareem Andre Dwayne Leon Delroy Malachi Josiah Tyrese Kyrie"),
    surnames=_w(
        "Campbell Brown Williams Thomas Francis Grant Clarke Reid Bailey Edwards Gordon "
        "Simpson Henry Samuels Lewis Morgan Graham Johnson Stewart Powell"
    ),
)

CHINESE = Heritage(
    key="chinese",
    weight=0.007,
    ethnicity=(("CHNE", 0.95), ("NOBT", 0.05)),
    languages=(("CHI", 0.6), ("ENG", 0.4)),
    female=_w("Mei Xin Ying Jing Hui Li Yan Xiaoling Wen"),
    male=_w("Wei Jun Hao Ming Jian Yong Tao Chen Kai"),
    surnames=_w("Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Lin Wong Chan Leung Cheung"),
)

MIDDLE_EASTERN = Heritage(
    key="middle_eastern",
    weight=0.04,
    ethnicity=(("OOTH", 0.85), ("AOTH", 0.1), ("NOBT", 0.05)),
    languages=(("ARA", 0.5), ("KUR", 0.25), ("TUR", 0.15), ("ENG", 0.1)),
    female=_w("Layla Noor Yasmin Rania Hiba Dalia Leen Sara Shirin Rojin Elif Zeynep Ece"),
    male=_w("Omar Ahmad Khalid Youssef Karim Hassan Rami Ali Dilan Baran Emre Mehmet Mustafa"),
    surnames=_w(
        "Al-Hassan Haddad Nasser Saleh Khalil Mansour Abbas Hamdan Barzani Rasul Ahmadi "
        "Yilmaz Kaya Demir Sahin Celik Ozturk Aydin"
    ),
)

OTHER_ASIAN = Heritage(
    key="other_asian",
    weight=0.013,
    ethnicity=(("AOTH", 0.9), ("NOBT", 0.1)),
    languages=(("TAM", 0.5), ("ENG", 0.4), ("OTH", 0.1)),
    female=_w("Tharsika Nirosha Kavitha Shalini Mary Maricel Jocelyn Divya Hashini"),
    male=_w("Tharshan Nirojan Suresh Kajan Ramesh Jose Mark Rizal Dinesh"),
    surnames=_w(
        "Sivakumar Rajendran Balasubramaniam Kanagaratnam Thevarajah Santos Reyes "
        "Cruz Garcia Fernando Perera Silva"
    ),
)

HERITAGES: tuple[Heritage, ...] = (
    BRITISH,
    IRISH,
    TRAVELLER,
    EASTERN_EUROPEAN,
    INDIAN,
    PAKISTANI,
    BANGLADESHI,
    BLACK_AFRICAN,
    BLACK_CARIBBEAN,
    CHINESE,
    MIDDLE_EASTERN,
    OTHER_ASIAN,
)

# The code a child of two backgrounds is recorded with (CIN mixed categories).
MIXED_ETHNICITY: dict[frozenset[str], str] = {
    frozenset({"british", "black_caribbean"}): "MWBC",
    frozenset({"british", "black_african"}): "MWBA",
    frozenset({"british", "indian"}): "MWAS",
    frozenset({"british", "pakistani"}): "MWAS",
    frozenset({"british", "bangladeshi"}): "MWAS",
    frozenset({"british", "chinese"}): "MWAS",
    frozenset({"british", "other_asian"}): "MWAS",
}

# Spellings a record is commonly typed with in place of another.
VARIANT_SPELLINGS: dict[str, str] = {
    "Mohammed": "Mohammad", "Muhammad": "Mohammed", "Mohamed": "Mohammed",
    "Sophie": "Sophy", "Sophia": "Sofia", "Isabella": "Isabela", "Isabelle": "Isobel",
    "Leah": "Lea", "Kayleigh": "Kayley", "Jodie": "Jody", "Niamh": "Neve", "Zoe": "Zoey",
    "Ellie": "Elly", "Aisha": "Ayesha", "Ayesha": "Aisha", "Hannah": "Hanna",
    "Freya": "Freyja", "Evie": "Evey", "Lily": "Lilly", "Ruby": "Rubie", "Darcie": "Darcey",
    "Callum": "Calum", "Finley": "Finlay", "Lewis": "Louis", "Rhys": "Reece", "Zain": "Zayn",
    "Jayden": "Jaden", "Bradley": "Bradly", "Stephenson": "Stevenson", "Thomson": "Thompson",
    "Davies": "Davis", "Clarke": "Clark", "Philips": "Phillips", "Hussain": "Hussein",
    "Rehman": "Rahman", "Chowdhury": "Choudhury", "Mahmood": "Mehmood", "Nowak": "Novak",
    "McDonald": "MacDonald", "Reid": "Reed", "Mohamud": "Mohamed",
}  # fmt: skip

STREET_STEMS = _w(
    "Mill Church Station Park Victoria Albert Queen King Manor Chapel School Green Orchard "
    "Meadow Spring Brook Willow Oak Ash Elm Beech Hawthorn Rowan Holly Cedar Chestnut "
    "Linden Maple Poplar Alder Hazel Heather Primrose Bluebell Foxglove Clover Kestrel "
    "Falcon Heron Swallow Lark Wren Robin Linnet Merlin Osprey Bramble Thistle Fern Moss "
    "Ridge Hill Vale Dale Croft Field Barley Wheat Harvest Ember Hearth Kiln Forge Anvil "
    "Tannery Wharf Canal Bridge Ferry Lock Quarry Mason Weaver Cooper Carter Fletcher "
    "Chandler Thatcher Miller Tanner Saxon Norman Tudor Stuart Windsor Regent Coronation "
    "Jubilee Festival Prospect Providence Hope Union Commercial Market Castle Abbey Priory"
)
STREET_SUFFIXES = _w(
    "Road Street Lane Avenue Close Drive Way Crescent Gardens Grove Place Terrace Court "
    "Walk Rise View Mews Square Row"
)
BLOCK_NAMES = _w(
    "Heron Kestrel Beacon Wharfside Riverside Linden Orchard Harbour Meridian Canalside"
)
# Fictional towns of the synthetic authority, each with its HT postcode districts.
TOWNS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("Hearthbridge", (1, 2, 3, 4, 5, 6)),
    ("Emberley", (7, 8, 9)),
    ("Kindlewick", (10, 11)),
    ("Ashcombe", (12, 13)),
    ("Cinderford Vale", (14, 15)),
    ("Brightwater", (16, 17, 18)),
    ("Ovenden Cross", (19,)),
    ("Flintmoor", (20, 21)),
)
POSTCODE_AREA = "HT"
# Letters used in the last two characters of real postcodes (no C, I, K, M, O, V).
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

DISABILITY_CODES: tuple[str, ...] = _w("LD COMM BEH AUT MOB HEAR VIS DDA PC")
# DfE CIN census specification (hearth/core/codelists/disability.toml): every child with
# a referral going on to further action needs at least one Disability (rule 8540), and
# NONE, standing alone (rule 8790), says the child has none. Recorded for every child
# without one of the codes above, so whichever children the census takes are complete.
NO_DISABILITY = "NONE"
# Ethnicity (rule 4220) is required for every child in the census, unborn ones included;
# NOBT ("information not yet obtained") is the code when it is not known yet: an unborn
# child, and the half of the duplicates a front door creates without asking.
ETHNICITY_NOT_OBTAINED = "NOBT"

LOCAL_AUTHORITY_NAME = "Hearthshire County Council"
POLICE_NAME = "Hearthshire Constabulary"
# The three-digit local authority number in UPNs: 001, a "pseudo LA" code on CIN census
# rule 1530's list (hearth/returns/codelists/upn_la_codes.toml) rather than any real
# authority's number, so the UPNs pass the DfE checks without naming a real authority.
# The serials are made up; nothing ties a demo UPN to a real pupil.
UPN_LA_NUMBER = "001"
# The reason a child under 5 has no UPN (hearth/core/codelists/upn_unknown.toml): SSDA903
# rule 442 wants a UPN or a reason for every child looked after, and rule 209 (like CIN
# query 8770Q) refuses UN1 only for children of school age.
UPN_NOT_OF_SCHOOL_AGE = "UN1"
# NHS numbers starting 999 are reserved for testing: never a real patient's.
NHS_TEST_PREFIX = "999"
