# ExpRL-Outcome as a reward function for TRL's GRPOTrainer (reward_funcs=[exprl_outcome_reward]),
# written by `npm run export -- --trl DIR` beside exprl_prompts.json (the judge's prompt templates,
# generated from the playground's TypeScript prompts) and exprl_settings.json (the judge and run
# settings). Python standard library only. It grades each completion against the hidden reference
# (the dataset's `reference` column, which TRL passes in **kwargs) with any OpenAI-compatible
# chat-completions endpoint, exactly as the playground's LLM judge does: the same prompts byte for
# byte, the same rubric modes (explicit: checkpoints built once per problem and cached; implicit: the
# judge extracts them in every call), the same "Score: k" rule on the judge's own last line (k an
# integer 1..5, reward (k-1)/4), the same retries, and the same on-disk cache (keys and records are
# the playground's, so a grade paid for there is not asked for again here). A reply that cannot be
# parsed gives None, never a made-up score. The API key is read from the environment variable named
# in the settings; it is never written anywhere.

import concurrent.futures
import email.utils
import hashlib
import json
import os
import random
import re
import socket
import ssl
import sys
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

# JavaScript's whitespace (String.prototype.trim, \s), so that trimming and the score rule match ours.
WS = "\t\n\u000b\u000c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
TRIM = re.compile("^[" + WS + "]+|[" + WS + "]+$")
SCORE_LINE = re.compile(
    "^[*_`" + WS + "]*score[*_`" + WS + "]*[:=][*_`" + WS + "]*([^*_`" + WS + "/]*)"
    "(?:[" + WS + "]*/[" + WS + "]*([0-9]*))?[*_`." + WS + "]*$", re.IGNORECASE)
NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")
CHECKPOINT_LINE = re.compile(
    "^[" + WS + "]*(?:checkpoint[" + WS + "]*[0-9]+[" + WS + "]*[:.)-]|[0-9]+[" + WS + "]*[.):]|[-*\u2022])"
    "[" + WS + "]*(.+?)[" + WS + "]*$", re.IGNORECASE)
FINAL_LINE = re.compile("^[" + WS + "]*[*_]*final answer[*_]*[" + WS + "]*:[" + WS + "]*(.+?)[" + WS + "]*$", re.IGNORECASE)
MIN_CHECKPOINTS, MAX_CHECKPOINTS = 2, 6


class JudgeSetupError(RuntimeError):
    """A setup the judge cannot work with (wrong key, URL or model, no server): training should stop."""


def _load(name, env):
    path = os.environ.get(env) or os.path.join(HERE, name)
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def js_trim(text):
    return TRIM.sub("", text)


def fence(tag, text):
    """The text as it goes between <tag> and </tag>: a tag of that name inside it is defused ('<' -> '< ')."""
    return re.sub("<(/?[" + WS + "]*" + re.escape(tag) + ")", r"< \1", text, flags=re.IGNORECASE)


def js_json(value):
    """JSON.stringify of plain data (the playground's cache keys are hashes of it)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def parse_score(reply, truncated):
    """(k, rationale) from the judge's own final non-empty line "Score: k"; k is None when it does not parse."""
    if truncated:
        return None, js_trim(reply)
    lines = re.split(r"\r?\n", reply)
    last = len(lines) - 1
    while last >= 0 and js_trim(lines[last]) == "":
        last -= 1
    if last < 0:
        return None, ""
    m = SCORE_LINE.match(lines[last])
    if not m:
        return None, js_trim(reply)
    rationale = js_trim("\n".join(lines[:last]))
    if m.group(2) is not None and m.group(2) != "5":
        return None, rationale
    raw = m.group(1)
    if not NUMBER.match(raw):
        return None, rationale
    k = float(raw)
    if not k.is_integer() or k < 1 or k > 5:
        return None, rationale
    return int(k), rationale


def parse_rubric(reply):
    """(checkpoints, final answer) from "Checkpoint n: ..." lines and "Final answer: ..."; None if fewer than 2."""
    checkpoints, final = [], None
    for line in re.split(r"\r?\n", reply):
        f = FINAL_LINE.match(line)
        if f:
            final = f.group(1)
            continue
        m = CHECKPOINT_LINE.match(line)
        if m:
            checkpoints.append(m.group(1))
    kept = [c for c in (js_trim(c) for c in checkpoints) if c]
    if len(kept) < MIN_CHECKPOINTS:
        return None, None
    return kept[:MAX_CHECKPOINTS], final


def retry_after_ms(headers):
    ms = headers.get("retry-after-ms") if headers else None
    if ms:
        try:
            return max(0.0, float(ms))
        except ValueError:
            pass
    ra = headers.get("retry-after") if headers else None
    if not ra:
        return None
    if re.match(r"^\s*\d+(\.\d+)?\s*$", ra):
        return float(ra) * 1000
    try:
        return max(0.0, email.utils.parsedate_to_datetime(ra).timestamp() * 1000 - time.time() * 1000)
    except (TypeError, ValueError):
        return None


class DiskCache:
    """The playground's FsJudgeCache layout: DIR/<first 2 hex>/<key>.json, written through a rename."""

    def __init__(self, directory):
        self.dir = directory
        self.seq = 0
        self.lock = threading.Lock()

    def get(self, key):
        try:
            with open(os.path.join(self.dir, key[:2], key + ".json"), encoding="utf-8") as f:
                return json.load(f)
        except (OSError, ValueError):
            return None

    def set(self, key, record):
        try:
            os.makedirs(os.path.join(self.dir, key[:2]), exist_ok=True)
            with self.lock:
                self.seq += 1
                seq = self.seq
            path = os.path.join(self.dir, key[:2], key + ".json")
            tmp = "%s.%d.%d.tmp" % (path, os.getpid(), seq)
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(js_json(record))
            os.replace(tmp, path)
        except OSError:
            pass  # not cached; the grade stands


def default_cache_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.environ.get("HOME") or os.path.expanduser("~"), ".cache")
    return os.path.join(base, "exprl-playground", "judge")


class Judge:
    def __init__(self, settings, prompts):
        j = settings["judge"]
        self.j = j
        self.limit = (settings.get("trl") or {}).get("max_completion_length") or 0
        self.prompts = prompts
        self.api_key = os.environ.get(j["api_key_env"], "") if j.get("api_key_env") else ""
        cache_dir = j.get("cache_dir") or default_cache_dir()
        self.cache = None if j.get("no_cache") else DiskCache(cache_dir)
        self.fatal = None
        self.rubrics = {}
        self.rubric_locks = {}
        self.rubric_lock = threading.Lock()

    def redact(self, text):
        return text.replace(self.api_key, "[redacted]") if self.api_key else text

    def key(self, kind, messages):
        j = self.j
        parts = [self.prompts["promptVersion"], kind, re.sub(r"/+$", "", j["base_url"]), j["model"],
                 j["temperature"], j["max_tokens"], "text", [[m["role"], m["content"]] for m in messages]]
        return hashlib.sha256(js_json(parts).encode("utf-8")).hexdigest()

    def messages(self, name, **slots):
        t = self.prompts[name]
        fences = self.prompts["fences"]
        filled = {s: fence(fences[s], slots[s]) for s in t["slots"]}
        return [{"role": "system", "content": t["system"]}, {"role": "user", "content": t["user"].format(**filled)}]

    def post(self, messages):
        """One request with the playground's retry policy: (content, finish_reason) or None; fatal setups raise."""
        j = self.j
        body = js_json({"model": j["model"], "messages": messages, "temperature": j["temperature"], "max_tokens": j["max_tokens"]})
        url = j["base_url"].rstrip("/") + "/chat/completions"
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = "Bearer " + self.api_key
        for attempt in range(j["max_retries"] + 1):
            wait = None
            try:
                req = urllib.request.Request(url, data=body.encode("utf-8"), headers=headers, method="POST")
                with urllib.request.urlopen(req, timeout=j["timeout_s"]) as res:
                    reply = json.loads(res.read().decode("utf-8"))
                choice = (reply.get("choices") or [None])[0] if isinstance(reply, dict) else None
                content = ((choice or {}).get("message") or {}).get("content")
                return (content, choice.get("finish_reason")) if isinstance(content, str) else None
            except urllib.error.HTTPError as e:
                s = e.code
                if s in (401, 403):
                    self.fail("the server answered %d for %s: check the API key (environment variable %s) and that it may use model %r" % (s, url, j.get("api_key_env"), j["model"]))
                if s == 404:
                    self.fail("the server answered 404 for %s: does the base URL end in /v1, and is model %r served there?" % (url, j["model"]))
                if not (s == 408 or s == 429 or s >= 500):
                    return None
                if s in (429, 503):
                    wait = retry_after_ms(e.headers)
            except urllib.error.URLError as e:
                reason = e.reason
                if isinstance(reason, (ConnectionRefusedError, socket.gaierror, ssl.SSLError)):
                    self.fail("cannot reach %s (%s): is the server running, and is the base URL right?" % (url, self.redact(str(reason))))
                if not isinstance(reason, (TimeoutError, socket.timeout, ConnectionError, OSError)):
                    return None
            except (TimeoutError, socket.timeout, ConnectionError):
                pass
            except ValueError:
                return None  # a body that is not JSON would come back the same: no retry
            if attempt >= j["max_retries"]:
                return None
            backoff = min(j["retry_max_ms"], j["retry_base_ms"] * 2 ** attempt) * (1 - random.random() * 0.25)
            time.sleep((min(wait, j["max_retry_after_ms"]) if wait is not None else backoff) / 1000)
        return None

    def fail(self, line):
        self.fatal = self.redact(line)
        raise JudgeSetupError(self.fatal)

    def ask(self, kind, messages):
        """("hit", record) or ("reply", content, truncated, key) or None."""
        key = self.key(kind, messages)
        if self.cache:
            r = self.cache.get(key)
            if valid_record(r, kind):
                return ("hit", r)
        if self.fatal:
            raise JudgeSetupError(self.fatal)
        out = self.post(messages)
        if out is None:
            return None
        return ("reply", out[0], out[1] == "length", key)

    def rubric(self, question, reference):
        """The explicit rubric of a problem, built once (per process, and through the disk cache); None if it failed."""
        ident = (question, reference)
        with self.rubric_lock:
            lock = self.rubric_locks.setdefault(ident, threading.Lock())
        with lock:  # graders of the same problem wait for one rubric call
            if ident in self.rubrics:
                return self.rubrics[ident]
            a = self.ask("rubric", self.messages("rubric", problem=question, reference=reference))
            if a and a[0] == "hit":
                self.rubrics[ident] = (a[1]["checkpoints"], a[1].get("finalAnswer"))
            elif a and not a[2]:
                cps, final = parse_rubric(a[1])
                if cps is None:
                    return None
                cps = [self.redact(c) for c in cps]
                final = self.redact(final) if final else None
                record = {"kind": "rubric", "checkpoints": cps, "createdAt": int(time.time() * 1000)}
                if final:
                    record["finalAnswer"] = final
                if self.cache:
                    self.cache.set(a[3], record)
                self.rubrics[ident] = (cps, final)
            return self.rubrics.get(ident)

    def outcome(self, question, reference, response):
        """The reward (k-1)/4 of one response, or None when the judge's verdict is unusable."""
        if js_trim(reference) == "":
            messages = self.messages("outcomeNoReference", problem=question, student=response)
        elif self.j["rubric_mode"] == "explicit":
            r = self.rubric(question, reference)
            if r is None:
                return None
            lines = ["%d. %s" % (i + 1, c) for i, c in enumerate(r[0])]
            if r[1]:
                lines.append("Final answer: " + r[1])
            messages = self.messages("outcomeExplicit", problem=question, reference=reference, student=response, checkpoints="\n".join(lines))
        else:
            messages = self.messages("outcomeImplicit", problem=question, reference=reference, student=response)
        a = self.ask("outcome", messages)
        if a is None:
            return None
        if a[0] == "hit":
            return (a[1]["k"] - 1) / 4
        k, rationale = parse_score(a[1], a[2])
        if k is None:
            return None
        if self.cache:
            self.cache.set(a[3], {"kind": "grade", "k": k, "rationale": self.redact(rationale), "createdAt": int(time.time() * 1000)})
        return (k - 1) / 4


def valid_record(r, kind):
    if not isinstance(r, dict):
        return False
    if kind == "rubric":
        cps = r.get("checkpoints")
        return (r.get("kind") == "rubric" and isinstance(cps, list) and MIN_CHECKPOINTS <= len(cps) <= MAX_CHECKPOINTS
                and all(isinstance(c, str) for c in cps) and isinstance(r.get("finalAnswer", ""), str))
    k = r.get("k")
    return r.get("kind") == "grade" and isinstance(k, int) and not isinstance(k, bool) and 1 <= k <= 5 and isinstance(r.get("rationale"), str)


def _text(x, role):
    """A prompt or completion as text: a plain string, or the last message of `role` in a chat list."""
    if isinstance(x, str):
        return x
    for m in reversed(x or []):
        if m.get("role") == role:
            return m.get("content") or ""
    return ""


_judge = None
_judge_lock = threading.Lock()


def get_judge():
    global _judge
    with _judge_lock:
        if _judge is None:
            _judge = Judge(_load("exprl_settings.json", "EXPRL_SETTINGS"), _load("exprl_prompts.json", "EXPRL_PROMPTS"))
        return _judge


def exprl_outcome_reward(prompts, completions, **kwargs):
    """TRL reward function: one judge call per completion; reward (k-1)/4, 0 when cut at the length limit, None when unparsable."""
    judge = get_judge()
    if "reference" not in kwargs:
        raise ValueError('exprl_outcome_reward: the dataset needs a "reference" column (npm run export -- --trl writes one)')
    questions = kwargs.get("question") or [_text(p, "user") for p in prompts]
    references = kwargs["reference"]
    ids = kwargs.get("completion_ids")
    limit = judge.limit

    def one(i):
        if ids is not None and limit and len(ids[i]) >= limit:
            return 0.0  # the authors' length guard: a response that hits the limit gets reward 0
        return judge.outcome(questions[i], references[i], _text(completions[i], "assistant"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, judge.j["concurrency"])) as pool:
        return list(pool.map(one, range(len(completions))))


if __name__ == "__main__":
    # Reads {"prompts": [...], "completions": [...], "kwargs": {...}} from stdin, prints the rewards as JSON.
    try:
        job = json.load(sys.stdin)
        print(json.dumps(exprl_outcome_reward(job["prompts"], job["completions"], **job.get("kwargs", {}))))
    except JudgeSetupError as e:
        print("error: " + str(e), file=sys.stderr)
        sys.exit(1)
