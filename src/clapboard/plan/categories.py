"""The breakdown of one scene: what a first AD marks in it, sorted into the industry's categories.

Cast comes from the cues and from names the action introduces in capitals
(``RUTH OKAFOR (60s)``); the other categories come from reading the action with
spaCy: noun phrases sorted by what their head noun names (a garment, a vehicle,
a crowd…), objects a character handles (the direct object of *take*, *hold*,
*strike*… and the *it* that refers back to one) as props, sounds and stunts
from their verbs. Who wears or handles a thing is the possessor or the subject
of its clause, with *he* and *she* resolved through the pronouns the script
uses for each character. Entrances and exits are kept for the continuity check
and the blocking.

The colours are the conventional ones of a breakdown sheet (cast red, props
purple, …); wardrobe and makeup are marked with a circle and an asterisk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from difflib import SequenceMatcher
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from clapboard.plan import reader
from clapboard.screenplay.emphasis import plain
from clapboard.screenplay.model import Action, Dialogue, DualDialogue, Screenplay, Synopsis
from clapboard.screenplay.pagination import paginate
from clapboard.sound import casting

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from clapboard.screenplay.model import Scene

#: Seconds of screen time per eighth of a page: the rule of thumb that a page plays for a minute.
SECONDS_PER_EIGHTH = 7.5


@dataclass(frozen=True)
class Category:
    """A breakdown category: its key, its title, and how a breakdown sheet marks it (colour and shape)."""

    key: str
    title: str
    colour: str
    mark: Literal["highlight", "circle", "asterisk", "box"] = "highlight"


#: The categories in the order a breakdown sheet lists them, with the conventional colour coding.
CATEGORIES: tuple[Category, ...] = (
    Category("cast", "Cast", "#e53935"),
    Category("stunts", "Stunts", "#fb8c00"),
    Category("silent", "Extras (silent bits)", "#fdd835"),
    Category("extras", "Extras (atmosphere)", "#43a047"),
    Category("effects", "Special effects", "#1e88e5"),
    Category("props", "Props", "#8e24aa"),
    Category("vehicles", "Vehicles and animals", "#ec407a"),
    Category("sound", "Sound effects and music", "#8d6e63"),
    Category("wardrobe", "Wardrobe", "#3949ab", "circle"),
    Category("makeup", "Makeup and hair", "#00897b", "asterisk"),
    Category("set", "Set dressing", "#757575", "box"),
)
CATEGORY_KEYS = tuple(c.key for c in CATEGORIES)

CategoryKey = Literal[
    "cast", "stunts", "silent", "extras", "effects", "props", "vehicles", "sound", "wardrobe", "makeup", "set"
]


# --- the cast ---------------------------------------------------------------------


@dataclass(frozen=True)
class Castmember:
    """A character of the film: the name as the cue spells it, other spellings the action uses, the pronoun."""

    name: str
    aliases: tuple[str, ...] = ()
    pronoun: Literal["he", "she", ""] = ""
    speaks: bool = True


@dataclass(frozen=True)
class Roster:
    """Every character of the script, speaking or introduced in the action, in order of first appearance."""

    members: tuple[Castmember, ...] = ()

    def find(self, words: str) -> Castmember | None:
        """The member ``words`` names (any case, possessive ``'s`` allowed), or None."""
        key = _name_key(words)
        return self._index.get(key)

    @cached_property
    def _index(self) -> dict[str, Castmember]:
        index: dict[str, Castmember] = {}
        for member in self.members:
            for spelling in (member.name, *member.aliases):
                index.setdefault(_name_key(spelling), member)
        return index

    @property
    def longest_alias(self) -> int:
        """The most words any name or alias has, so a mention scan knows how far to look ahead."""
        return max((len(s.split()) for m in self.members for s in (m.name, *m.aliases)), default=1)


def _name_key(words: str) -> str:
    text = re.sub(r"['’]s$", "", words.strip()).upper()
    return " ".join(text.split())


# A run of capitalised words followed by a parenthesis: how a script introduces a character (RUTH OKAFOR (60s)).
_CAPS_WORD = r"[A-Z][A-Z0-9'’\-]*[A-Z0-9]"
_INTRODUCTION = re.compile(rf"(?<![\w'’])((?:{_CAPS_WORD})(?:[ \t]+{_CAPS_WORD})*)[ \t]*\(([^()\n]{{1,30}})\)")
_CAPS_RUN = re.compile(rf"(?<![\w'’])((?:{_CAPS_WORD})(?:[ \t]+{_CAPS_WORD})*)(?![\w'’])")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_HE = frozenset({"he", "his", "him", "himself"})
_SHE = frozenset({"she", "her", "hers", "herself"})
_OWN = frozenset({"his", "himself", "herself", "hers"})
_LEADING_ARTICLE = re.compile(r"^(?:THE|A|AN)\s+")


def cast_roster(script: Screenplay) -> Roster:
    """The script's characters: every cue name, and every capitalised name the action introduces.

    An introduction that contains a cue name (``RUTH OKAFOR`` for the cue
    ``RUTH``) becomes an alias of it; one that contains none is a character who
    never speaks. Pronouns are counted in the action: a sentence naming one
    character followed by one that starts with *he* or *she*.
    """
    names: dict[str, dict[str, None]] = {name: {} for name in script.characters}
    for text in _action_texts(script):
        for found in _INTRODUCTION.finditer(text):
            spelled = _LEADING_ARTICLE.sub("", " ".join(found.group(1).split()))
            owner = _owner_of(spelled, names)
            if owner is None:
                names[spelled] = {}
            elif spelled != owner:
                names[owner][spelled] = None
    members = [Castmember(name, tuple(aliases), "", name in set(script.characters)) for name, aliases in names.items()]
    roster = Roster(tuple(members))
    votes = _pronoun_votes(script, roster)
    return Roster(
        tuple(
            Castmember(m.name, m.aliases, _majority(votes.get(m.name, {})), m.speaks)  # type: ignore[arg-type]
            for m in members
        )
    )


def _action_texts(script: Screenplay) -> list[str]:
    return [plain(el.text) for scene in script.scenes for el in scene.elements if isinstance(el, Action)]


def _owner_of(spelled: str, names: dict[str, dict[str, None]]) -> str | None:
    if spelled in names:
        return spelled
    words = spelled.split()
    for name in names:
        if name in words or (len(name.split()) > 1 and spelled.startswith(name)):
            return name
    return None


def _pronoun_votes(script: Screenplay, roster: Roster) -> dict[str, dict[str, int]]:
    """Votes for each character's pronoun: a sentence naming one character, then *his*/*himself* in it or a
    next sentence starting *He* (and the same for *she*). Object pronouns are left out: they usually point
    at someone else (``Ruth looks past him``)."""
    votes: dict[str, dict[str, int]] = {}
    for text in _action_texts(script):
        sentences = _SENTENCE_END.split(text)
        for sentence, following in zip(sentences, [*sentences[1:], ""], strict=True):
            named = {m.name for m in _mentions(sentence, roster)}
            if len(named) != 1:
                continue
            (name,) = named
            words = [w.lower().strip(".,;:!?") for w in sentence.split()]
            # His/herself in the sentence only when the character is its subject, named first.
            subject = bool(words) and roster.find(words[0].upper()) is not None
            said = [w for w in words[1:] if w in _OWN] if subject else []
            opening = following.split()[0].lower().strip(".,;:") if following.split() else ""
            if opening in ("he", "she"):
                said.append(opening)
            for pronoun in said:
                tally = votes.setdefault(name, {})
                side = "he" if pronoun in _HE else "she"
                tally[side] = tally.get(side, 0) + 1
    return votes


def similar_names(a: str, b: str) -> bool:
    """True when two different names look like one name spelled two ways (NICK and NICKY, SARAH and SARA)."""
    a, b = a.upper(), b.upper()
    if a == b or min(len(a), len(b)) < 3:
        return False
    if (a.startswith(b) or b.startswith(a)) and abs(len(a) - len(b)) <= 2:
        return True
    return min(len(a), len(b)) >= 4 and SequenceMatcher(None, a, b).ratio() >= 0.8


def near_names(text: str, roster: Roster) -> list[tuple[str, str]]:
    """Capitalised words in ``text`` that are no character's name but look like one: (as written, the name)."""
    found: list[tuple[str, str]] = []
    known = {w for m in roster.members for spelling in (m.name, *m.aliases) for w in spelling.split()}
    for word in re.findall(r"\b[A-Z][A-Za-z]{2,}\b", text):
        upper = re.sub(r"['’]S$", "", word.upper())
        if upper in known:
            continue
        for member in roster.members:
            if similar_names(upper, member.name):
                found.append((word, member.name))
                break
    return found


def _majority(tally: dict[str, int]) -> str:
    he, she = tally.get("he", 0), tally.get("she", 0)
    return "he" if he > she else "she" if she > he else ""


def _mentions(text: str, roster: Roster) -> list[Castmember]:
    """Members named in ``text``, in capitals or with a capital initial, in order."""
    words = re.findall(r"[A-Za-z][A-Za-z'’\-]*", text)
    found: list[Castmember] = []
    i = 0
    longest = roster.longest_alias
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if phrase[0].isupper():
                member = roster.find(phrase)
                if member is not None:
                    found.append(member)
                    i += size
                    break
        else:
            i += 1
    return found


# --- what the action holds ----------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One element of a scene's breakdown: a prop, a garment, a sound…

    ``name`` is normalised (``tuning fork``); ``text`` is the phrase as written
    (``a steel tuning fork``). ``element`` is the index of the action paragraph
    in the scene and ``offset`` the line within it; ``line`` is the line in the
    script file once the film-wide step has placed it (0 before). ``owner`` is
    who wears, handles or makes it; ``handled`` is true when a character does
    something with it; ``introduced`` when the phrase reads as a first mention
    (``a …`` or in capitals).
    """

    category: CategoryKey
    name: str
    text: str
    element: int
    offset: int = 0
    owner: str = ""
    handled: bool = False
    introduced: bool = False
    line: int = 0


@dataclass(frozen=True)
class Movement:
    """A character entering or leaving, as the action says, where it says it."""

    character: str
    kind: Literal["enter", "exit"]
    element: int
    offset: int = 0
    line: int = 0


@dataclass(frozen=True)
class Cue:
    """A speech in the scene: who speaks, at which element, and whether from off screen (V.O., O.S.)."""

    character: str
    element: int
    off_screen: bool = False
    line: int = 0


@dataclass(frozen=True)
class Spelling:
    """A capitalised word in the action that looks like a character's name spelled another way."""

    written: str
    name: str
    element: int
    line: int = 0


@dataclass(frozen=True)
class SceneBreakdown:
    """Everything a breakdown sheet records for one scene.

    ``cast`` are the characters who speak, in order of first speech; ``silent``
    those the action shows who do not speak here; ``voices`` those only heard
    (V.O., O.S.) and never seen in the scene. ``eighths`` is the length in
    eighths of a page (measured as if the scene started a page) and
    ``seconds`` the estimated screen time from it.
    """

    heading: str
    setting: str
    location: str
    time: str
    day_night: str
    synopsis: str | None
    eighths: int
    seconds: float
    cast: tuple[str, ...]
    silent: tuple[str, ...]
    voices: tuple[str, ...]
    speeches: dict[str, int]
    words: dict[str, int]
    items: tuple[Item, ...] = ()
    movements: tuple[Movement, ...] = ()
    cues: tuple[Cue, ...] = ()
    spellings: tuple[Spelling, ...] = ()
    reader: str = field(default="", compare=False)

    def of(self, category: str) -> tuple[Item, ...]:
        """The items of one category, in order of first mention."""
        return tuple(item for item in self.items if item.category == category)

    def names(self, category: str) -> tuple[str, ...]:
        """The names of one category's items: for cast, the speaking then the silent characters."""
        if category == "cast":
            return (*self.cast, *self.silent)
        return tuple(item.name for item in self.of(category))


def _lexicon(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Lexicons of head nouns, by what they name. spaCy's small model has no word senses, so a
# breakdown needs to be told that a cardigan is worn and a hatchback driven.
_WARDROBE = _lexicon(
    """shirt cardigan trousers slipper slippers pyjamas pajamas glasses spectacles sunglasses headphones coat jacket
    dress hat cap scarf glove gloves boot boots shoe shoes suit tie uniform apron sweater jumper jeans skirt overalls
    hoodie robe gown vest sock socks belt necklace earring earrings bracelet helmet mask veil raincoat anorak trainers
    sandals blouse t-shirt tracksuit waistcoat blazer cloak shawl bonnet beanie mittens tuxedo costume pullover
    cardy parka kilt sari turban"""
)
_MAKEUP = _lexicon(
    """blood bruise bruises scar scars wound tattoo makeup make-up lipstick mascara wig beard moustache mustache
    stubble bandage bandages freckles sweat grime soot eyeliner rouge"""
)
_VEHICLES = _lexicon(
    """car hatchback van truck lorry bus taxi cab bike bicycle motorbike motorcycle scooter train tram boat ship
    plane helicopter ambulance limousine limo jeep pickup tractor sedan saloon wagon caravan yacht canoe horse dog
    cat bird pony cow sheep goat chicken parrot"""
)
_EXTRAS = _lexicon(
    """crowd people passers-by passersby pedestrians customers diners patrons shoppers students guests commuters
    tourists children kids neighbours neighbors onlookers soldiers officers nurses waiters staff workers audience
    choir mourners congregation villagers spectators fans dancers drinkers revellers protesters"""
)
_EFFECTS = _lexicon(
    """rain snow fog mist smoke fire flame flames explosion sparks lightning storm gunfire blaze haze"""
)
_SOUND_NOUNS = _lexicon(
    """hiss clunk click creak bang knock footsteps footstep thunder whistle hum buzz crash slam thud beep siren alarm
    gunshot music song tune melody chord scales radio horn bell doorbell ticking static applause voice"""
)
_SOUND_VERBS = _lexicon(
    """hiss clunk click creak bang knock thunder hum buzz crash slam thud beep ring ding
    chime rumble roar screech"""
)
_STUNT_VERBS = _lexicon("""fall fight punch kick tackle leap dive collapse tumble wrestle stab shoot crash""")
_PROPS = _lexicon(
    """piano upright kettle cassette tape player recorder fork case flask phone telephone letter envelope book
    newspaper glass cup mug bottle gun pistol revolver rifle knife bag box briefcase suitcase umbrella camera
    photograph wallet purse cigarette lighter pen pencil notebook laptop torch flashlight rope
    teapot tray plate spoon map ticket card"""
)
_SET = _lexicon(
    """curtain curtains photograph photographs photo photos picture pictures carpet rug lamp lamps table chair
    chairs sofa armchair stool fridge sink shelf shelves bookcase mirror clock vase flowers plant cushion bed desk
    cupboard dresser television sideboard painting poster candle candles"""
)
# Handling verbs: their direct object is something an actor touches, so a prop.
_HANDLING = _lexicon(
    """take hold pick grab carry lift put place hand give pass drop throw open close press strike tap touch pour
    fill read turn fetch pocket unwrap wrap load fire sign write drink light use wave pack move draw insert
    remove pull push snap clutch grip raise lower offer shove toss catch dial answer unfold fold"""
)
_EXIT_VERBS = _lexicon("""leave exit depart disappear vanish""")
_GOING_VERBS = _lexicon(
    """walk go storm head hurry rush slip step run wander stride march limp shuffle let sneak stalk squeeze burst
    barge"""
)
_ENTRANCE_VERBS = _lexicon("""enter arrive appear return reappear""")
_AWAY = frozenset({"out", "off", "away"})
_IN = frozenset({"in", "inside"})
_MATERIALS = _lexicon(
    """steel leather wooden wood copper plastic silver gold metal brass iron tin paper cardboard glass"""
)
# Plural-only nouns keep their spelling: a lemmatiser turns "glasses" into "glass".
_PLURALIA = _lexicon(
    """glasses spectacles sunglasses trousers pyjamas pajamas jeans shorts tights headphones scissors overalls
    binoculars goggles"""
)
_CANDIDATE_POS = frozenset({"NOUN"})
# Nouns that never name something to break down: body parts, places, measures, abstractions.
_BODY = _lexicon(
    """hand hands finger fingers knee knees palm head eye eyes ear ears chin arm arms foot feet thumb jaw face back
    shoulder shoulders hair lip lips mouth elbow elbows nose neck leg legs throat cheek cheeks wrist brow"""
)
_NEVER = _lexicon(
    """inch inches foot metre meter mile second minute hour year bit piece kind sort way end top side middle moment
    time nothing something anything everything note key keys phrase word place number"""
)
_WORD_CATEGORIES: tuple[tuple[CategoryKey, frozenset[str]], ...] = (
    ("wardrobe", _WARDROBE),
    ("makeup", _MAKEUP),
    ("vehicles", _VEHICLES),
    ("extras", _EXTRAS),
    ("effects", _EFFECTS),
    ("sound", _SOUND_NOUNS),
)


def scene_length(scene: Scene) -> int:
    """The scene's length in eighths of a page, laid out on its own as if it started a page."""
    layout = paginate(Screenplay(elements=(scene.heading, *scene.elements)))
    return layout.scenes[0].eighths if layout.scenes else 1


def break_down(scene: Scene, roster: Roster) -> SceneBreakdown:
    """The breakdown of ``scene``: where, when, how long, who, and every element the action names."""
    heading = scene.heading
    speeches: dict[str, int] = {}
    words: dict[str, int] = {}
    heard_only: dict[str, bool] = {}
    cues: list[Cue] = []
    for index, element in enumerate(scene.elements):
        speeches_here = (
            (element,)
            if isinstance(element, Dialogue)
            else (element.left, element.right)
            if isinstance(element, DualDialogue)
            else ()
        )
        for speech in speeches_here:
            away = speech.character.is_voice_over or speech.character.is_off_screen
            cues.append(Cue(speech.character.name, index, away))
    for speech in scene.dialogues:
        name = speech.character.name
        speeches[name] = speeches.get(name, 0) + 1
        words[name] = words.get(name, 0) + sum(len(plain(line.text).split()) for line in speech.lines)
        away = speech.character.is_voice_over or speech.character.is_off_screen
        heard_only[name] = heard_only.get(name, True) and away
    reading = _ActionReading(roster)
    spellings: list[Spelling] = []
    for index, element in enumerate(scene.elements):
        if isinstance(element, Action):
            text = plain(element.text)
            reading.read(index, text)
            spellings.extend(Spelling(word, name, index) for word, name in near_names(text, roster))
    seen = reading.seen
    cast = tuple(speeches)
    eighths = scene_length(scene)
    # A synopsis belongs to the scene when it comes straight after the heading; one further down opens a sequence.
    opening = scene.elements[0] if scene.elements else None
    synopsis = opening.text if isinstance(opening, Synopsis) else None
    return SceneBreakdown(
        heading=heading.text,
        setting=heading.setting,
        location=heading.location or heading.text,
        time=heading.time,
        day_night=heading.day_night,
        synopsis=synopsis,
        eighths=eighths,
        seconds=eighths * SECONDS_PER_EIGHTH,
        cast=cast,
        silent=tuple(name for name in seen if name not in speeches),
        voices=tuple(name for name in cast if heard_only[name]),
        speeches=speeches,
        words=words,
        items=tuple(reading.items()),
        movements=tuple(reading.movements),
        cues=tuple(cues),
        spellings=tuple(dict.fromkeys(spellings)),
        reader=reader.identity(),
    )


class _ActionReading:
    """Reads a scene's action paragraphs in order, remembering who was named where, for pronouns."""

    def __init__(self, roster: Roster) -> None:
        self.roster = roster
        self.seen: dict[str, None] = {}
        self.movements: list[Movement] = []
        self._items: dict[tuple[str, str], Item] = {}
        self._named: list[tuple[int, int, str]] = []  # (paragraph, token index, character)
        self._things: list[tuple[Item, bool]] = []  # props and set dressing named so far, and whether plural
        self._paragraph = 0
        self._text = ""
        self._element = 0

    def items(self) -> list[Item]:
        return list(self._items.values())

    def read(self, element: int, text: str) -> None:
        self._paragraph += 1
        self._text, self._element = text, element
        prepared, sounds = self._prepare(text)
        doc = reader.parse(prepared)
        for caps, start in sounds:
            self._add(Item("sound", caps.lower(), caps, element, text.count("\n", 0, start), introduced=True))
        roots = {chunk.root.i: chunk for chunk in doc.noun_chunks}
        for token in doc:
            if token.pos_ == "PROPN":
                name = self._character(token)
                # "the way Ruth did": an echo of something a character did elsewhere, not an appearance.
                # "That woman is JUNE" names someone in a photograph: identifying is not appearing.
                echo = token.dep_ == "nsubj" and token.head.lemma_ == "do"
                if name is not None and not echo and token.dep_ != "attr":
                    self.seen.setdefault(name, None)
                    self._named.append((self._paragraph, token.i, name))
                    continue
            if token.pos_ == "VERB":
                self._read_verb(token)
            if token.i in roots:
                self._read_chunk(roots[token.i])
            else:
                self._read_word(token)

    def _prepare(self, text: str) -> tuple[str, list[tuple[str, int]]]:
        """Capitalised names in title case (spaCy parses them better); other capitalised words are sounds."""
        sounds: list[tuple[str, int]] = []

        def recase(found: re.Match[str]) -> str:
            words = found.group(1)
            if self.roster.find(words) is not None or any(self.roster.find(w) for w in words.split()):
                return words.title()
            if len(words) >= 3 and not _INTRODUCTION.match(text, found.start()):
                sounds.append((words, found.start()))
                return words.lower()
            return words.title()

        # Same length in and out, so character offsets still point into the original text.
        return _CAPS_RUN.sub(recase, text), sounds

    def _character(self, token: Token) -> str | None:
        """The character a token names or refers to: a name, or he/she/his/her resolved to the last one named."""
        word = token.lower_
        if word in _HE or word in _SHE:
            wanted = "he" if word in _HE else "she"
            here = (self._paragraph, token.i)
            earlier = [name for paragraph, index, name in reversed(self._named) if (paragraph, index) < here]
            # Someone the script calls he (or she) first; someone whose pronoun it never shows only failing that.
            for accepted in ((wanted,), ("",)):
                for name in earlier:
                    member = self.roster.find(name)
                    if member is not None and member.pronoun in accepted:
                        return name
            return None
        if token.pos_ not in ("PROPN", "NOUN"):
            return None
        member = self.roster.find(token.text)
        if member is None:
            phrase = " ".join(t.text for t in token.children if t.dep_ in ("compound", "flat") and t.i < token.i)
            member = self.roster.find(f"{phrase} {token.text}") if phrase else None
        return member.name if member is not None else None

    def _last_named(self) -> str:
        return self._named[-1][2] if self._named else ""

    def _subject(self, verb: Token) -> str | None:
        """The character doing ``verb``: its subject, or the subject of the verb it is conjoined to."""
        current: Token | None = verb
        while current is not None:
            for child in current.children:
                if child.dep_ in ("nsubj", "nsubjpass"):
                    return self._character(child)
            current = current.head if current.dep_ in ("conj", "xcomp", "advcl") and current.head != current else None
        return None

    def _owner(self, root: Token) -> str:
        """Who a garment or a mark belongs to: its possessor, else the subject of its clause, else the last named."""
        for child in root.children:
            if child.dep_ == "poss":
                name = self._character(child)
                if name:
                    return name
        head = root
        while head.pos_ not in ("VERB", "AUX") and head.head != head:
            if head.head.pos_ == "PROPN" and self._character(head.head):
                return self._character(head.head) or ""
            head = head.head
        owner = self._subject(head) if head.pos_ in ("VERB", "AUX") else None
        return owner or self._last_named()

    def _read_word(self, token: Token) -> None:
        """A lone word of a lexicon the noun chunks missed, such as a garment in a list."""
        word = token.lower_
        if token.dep_ == "compound":  # "the car window" names a window
            return
        for category, words in _WORD_CATEGORIES:
            # A tagger may call a garment in a list a verb; a sound word used as a verb is read as one.
            if category == "sound" and token.pos_ == "VERB":
                continue
            if word in words and not self._known_word(category, word):
                owner = self._owner(token) if category in ("wardrobe", "makeup") else ""
                self._add(Item(category, word, token.text, self._element, self._line(token.idx), owner))
                return

    def _known_word(self, category: str, word: str) -> bool:
        return any(
            item.category == category and item.name.split()[-1] in (word, word.rstrip("s"))
            for item in self._items.values()
        )

    def _line(self, char: int) -> int:
        return self._text.count("\n", 0, char)

    def _read_chunk(self, chunk: Span) -> None:
        root = chunk.root
        if root.pos_ not in _CANDIDATE_POS or _figurative(root):
            return
        lemma, word = root.lemma_.lower(), root.lower_
        if lemma in _NEVER or word in _NEVER:
            return
        compounds = [t.lower_ for t in root.children if t.dep_ == "compound" and t.i < root.i]
        introduced = any(t.dep_ == "det" and t.lower_ in ("a", "an") for t in chunk)
        line = self._line(chunk.start_char)
        if lemma in _BODY or word in _BODY:
            garment = next((c for c in compounds if c in _WARDROBE), None)
            if garment:  # "her cardigan pocket": the cardigan is what the wardrobe department needs
                self._add(Item("wardrobe", garment, chunk.text, self._element, line, self._owner(root)))
            return
        category = _category_of(word, lemma)
        if category is None and any(c in _WARDROBE for c in compounds):
            garment = next(c for c in compounds if c in _WARDROBE)
            self._add(Item("wardrobe", garment, chunk.text, self._element, line, self._owner(root), False, introduced))
            return
        handler = self._handler(root)
        if category is None and (handler is not None or lemma in _PROPS or word in _PROPS):
            category = "props"
        elif category is None and (lemma in _SET or word in _SET):
            category = "set"
        if category is None or any(t.lower_ == "its" and t.dep_ == "poss" for t in root.children):
            return
        name = self._name(root)
        owner = self._owner(root) if category in ("wardrobe", "makeup") else handler or ""
        handled = category == "props" and handler is not None
        kept = self._add(Item(category, name, chunk.text, self._element, line, owner, handled, introduced))
        if category in ("props", "set"):
            self._things.append((kept, root.tag_ in ("NNS", "NNPS")))

    def _name(self, root: Token) -> str:
        words = [w for w in _thing_name_of(root).split() if self.roster.find(w) is None]
        return " ".join(words) or root.lower_

    def _handler(self, root: Token) -> str | None:
        """Who handles the thing ``root`` names: the subject of a handling verb it is the object of."""
        target = root
        while target.dep_ == "conj" and target.head != target:
            target = target.head
        verb = target.head
        if target.dep_ == "dobj" and verb.lemma_.lower() in _HANDLING:
            return self._subject(verb) or self._last_named()
        return None

    def _read_verb(self, verb: Token) -> None:
        lemma = verb.lemma_.lower()
        for child in verb.children:
            # "She moves it": the pronoun stands for the last prop or piece of set dressing of the same number.
            if child.dep_ == "dobj" and child.lower_ in ("it", "them") and lemma in _HANDLING:
                plural = child.lower_ == "them"
                thing = next((t for t, many in reversed(self._things) if many == plural), None)
                if thing is not None:
                    self._handle(thing, self._subject(verb))
        particles = {c.lower_ for c in verb.children if c.dep_ in ("prt", "advmod")}
        subject = self._subject(verb)
        line = self._line(verb.idx)
        if lemma in _SOUND_VERBS and subject is None:
            noun = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if noun is None or not self._known_word("sound", noun.lower_):
                name = verb.lower_ if noun is None else f"{noun.lower_} {verb.lower_}"
                self._add(Item("sound", name, verb.sent.text.strip(), self._element, line))
        if lemma in _STUNT_VERBS and subject:
            self._add(
                Item("stunts", f"{subject.lower()} {verb.lower_}", verb.sent.text.strip(), self._element, line, subject)
            )
        if subject is None:
            return
        if lemma in _EXIT_VERBS or (lemma in _GOING_VERBS and particles & _AWAY):
            self.movements.append(Movement(subject, "exit", self._element, line))
        elif (
            lemma in _ENTRANCE_VERBS
            or (lemma in _GOING_VERBS and particles & _IN)
            or (lemma == "come" and particles & (_IN | {"back"}))
        ):
            self.movements.append(Movement(subject, "enter", self._element, line))

    def _handle(self, thing: Item, who: str | None) -> None:
        """Mark ``thing`` handled by ``who``; set dressing an actor picks up becomes a prop."""
        self._items.pop((thing.category, _head(thing.name)), None)
        handled = replace(thing, category="props", owner=who or thing.owner, handled=True)
        kept = self._add(handled)
        self._things = [(kept if t is thing else t, many) for t, many in self._things]

    def _add(self, item: Item) -> Item:
        """Keep the first mention of each thing (by head noun), with the longest name and any handling."""
        key = (item.category, _head(item.name))
        known = self._items.get(key)
        if known is None:
            self._items[key] = item
            return item
        longer = item.name if len(item.name) > len(known.name) else known.name
        merged = replace(
            known,
            name=longer,
            owner=known.owner or item.owner,
            handled=known.handled or item.handled,
            introduced=known.introduced or item.introduced,
        )
        self._items[key] = merged
        return merged


def _head(name: str) -> str:
    return name.split()[-1] if name else name


def _figurative(root: Token) -> bool:
    """True for a noun in a simile (``like a bag of spoons``), which names nothing on set."""
    node = root
    while node.head != node:
        if node.dep_ == "pobj" and node.head.lower_ in ("like", "as"):
            return True
        if node.dep_ not in ("pobj", "prep"):
            return False
        node = node.head
    return False


def _category_of(word: str, lemma: str) -> CategoryKey | None:
    for category, words in _WORD_CATEGORIES:
        if word in words or lemma in words:
            return category
    return None


def _thing_name_of(root: Token) -> str:
    """A thing's name without articles, possessives, adjectives and materials: ``the old steel fork`` → ``fork``."""
    compounds = [t.lower_ for t in root.children if t.dep_ == "compound" and t.i < root.i]
    words = [c for c in compounds if c not in _MATERIALS and c.isalpha()]
    head = root.lower_ if root.lower_ in _PLURALIA else root.lemma_.lower()
    return " ".join([*words, head])


def introduced(script: Screenplay, words: Mapping[str, int], names: Iterable[str] = ()) -> list[dict[str, Any]]:
    """Every character of ``script`` as the audit step's params, for :mod:`clapboard.trust.representation`:
    sex, age, whether they speak and how many words (``words``, by cue), and the sentence that introduces them.
    Characters who never speak come from the action's introductions (``JUNE (70s)``) and from ``names``."""
    silent = [m.name for m in cast_roster(script).members if not m.speaks]
    speaking = set(script.characters)
    return [
        {
            "name": name,
            "gender": hint.gender,
            "age": hint.age,
            "speaks": name in speaking,
            "words": words.get(name, 0),
            "description": sentence,
        }
        for name, (hint, sentence) in casting.introductions(script, [*silent, *names]).items()
    ]
