// Per-audience entity keys. The internal key of a person (and of every record that leads back to
// one: swab, appeal, check-in, cause) is one city-wide pseudonym, so an id handed from one role to
// another would link what each of them saw. Roles in a separate audience never see internal keys:
// they see the internal key encrypted deterministically (SIV: the IV is a MAC of type and key, so
// the same record gives the same id within an audience, and a changed byte fails authentication)
// under the audience's own key. Every silo holds the keyring, so any silo turns an id back into
// the internal key for `_entities` and joins still work; an id from another audience, or of
// another type, does not decrypt and finds nothing. docs/privacy.md describes rotation.
import { createCipheriv, createHmac, timingSafeEqual } from "node:crypto";
import type { Role, Viewer } from "../auth/viewer";
import { ConfigError, optionalEnv } from "../config/env";

/**
 * The roles whose ids live in a key space of their own: auditors (de-identified by policy),
 * service accounts and registrars (masked identities only). Everyone else works with internal
 * keys, which they can only use within the policy anyway.
 */
export const SEPARATE_AUDIENCES: Partial<Record<Role, string>> = { AUDITOR: "auditor", APP: "app", REGISTRAR: "registrar" };

/** The audience whose ids `viewer` sees, or undefined for internal keys. */
export function audienceOf(viewer: Pick<Viewer, "role">): string | undefined {
  return SEPARATE_AUDIENCES[viewer.role];
}

const SIV_BYTES = 16;
const PREFIX = "e";

interface AudienceKeys {
  enc: Buffer;
  mac: Buffer;
}

/** Encrypts and decrypts entity ids per audience, under the current key version and accepted older ones. */
export interface EntityKeyring {
  readonly version: number;
  /** The id `audience` sees for the internal key `id` of `type`. */
  encode(audience: string, type: string, id: string): string;
  /** The internal key behind an id `audience` was given, or null when it is not one of theirs. */
  decode(audience: string, type: string, external: string): string | null;
}

export interface EntityKeyVersions {
  /** The version new ids are made with. */
  current: number;
  /** Older versions still accepted on input during a rotation. */
  accepted?: number[];
}

function derive(secret: Uint8Array, version: number, audience: string, use: "enc" | "mac"): Buffer {
  return createHmac("sha256", secret).update(`health-graph/entity-keys/v${version}/${audience}/${use}`).digest();
}

/** A keyring whose audience keys are derived from `secret` (the pepper) per version and audience. */
export function entityKeyring(secret: Uint8Array, versions: EntityKeyVersions = { current: 1 }): EntityKeyring {
  const known = new Set([versions.current, ...(versions.accepted ?? [])]);
  for (const v of known) if (!Number.isInteger(v) || v < 1 || v > 9) throw new Error(`Entity key versions are 1 to 9, got ${v}.`);
  const cache = new Map<string, AudienceKeys>();
  const keys = (version: number, audience: string): AudienceKeys => {
    const name = `${version}/${audience}`;
    let k = cache.get(name);
    if (!k) cache.set(name, (k = { enc: derive(secret, version, audience, "enc"), mac: derive(secret, version, audience, "mac") }));
    return k;
  };
  const siv = (k: AudienceKeys, type: string, id: string) => createHmac("sha256", k.mac).update(`${type}\u0000${id}`).digest().subarray(0, SIV_BYTES);
  const ctr = (k: AudienceKeys, iv: Buffer, data: Buffer) => {
    const cipher = createCipheriv("aes-256-ctr", k.enc, iv);
    return Buffer.concat([cipher.update(data), cipher.final()]);
  };
  // Both directions are deterministic, so answers are remembered (a bounded cache): the same
  // visitors and check-ins cross every read of a registrar's lists, and one id costs an HMAC and an
  // AES key schedule (about 10 µs) where a cache hit costs a map lookup. An id this keyring gave
  // out is remembered for decoding too. Failed decodes are never cached.
  const encoded = new TwoGenerationCache(CACHE_ENTRIES);
  const decoded = new TwoGenerationCache(CACHE_ENTRIES);
  return {
    version: versions.current,
    encode(audience, type, id) {
      const key = `${audience}\u0000${type}\u0000${id}`;
      const hit = encoded.get(key);
      if (hit !== undefined) return hit;
      const k = keys(versions.current, audience);
      const iv = siv(k, type, id);
      const external = `${PREFIX}${versions.current}_${Buffer.concat([iv, ctr(k, iv, Buffer.from(id, "utf8"))]).toString("base64url")}`;
      encoded.set(key, external);
      decoded.set(`${audience}\u0000${type}\u0000${external}`, id);
      return external;
    },
    decode(audience, type, external) {
      const key = `${audience}\u0000${type}\u0000${external}`;
      const hit = decoded.get(key);
      if (hit !== undefined) return hit;
      const id = decodeUncached(audience, type, external);
      if (id !== null) decoded.set(key, id);
      return id;
    },
  };

  function decodeUncached(audience: string, type: string, external: string): string | null {
    const match = /^e([1-9])_([A-Za-z0-9_-]{23,400})$/.exec(external);
    if (!match) return null;
    const version = Number(match[1]);
    if (!known.has(version)) return null;
    const bytes = Buffer.from(match[2]!, "base64url");
    if (bytes.length <= SIV_BYTES) return null;
    const k = keys(version, audience);
    const iv = bytes.subarray(0, SIV_BYTES);
    const id = ctr(k, iv, bytes.subarray(SIV_BYTES)).toString("utf8");
    return timingSafeEqual(iv, siv(k, type, id)) ? id : null;
  }
}

/** Entries each of the encode and decode caches keeps per generation (two generations at most). */
const CACHE_ENTRIES = 16_384;

/** A bounded map: when the current generation is full it becomes the old one and the older is dropped; a hit in the old one moves up. */
class TwoGenerationCache {
  private current = new Map<string, string>();
  private old = new Map<string, string>();
  constructor(private readonly size: number) {}
  get(key: string): string | undefined {
    const v = this.current.get(key);
    if (v !== undefined) return v;
    const o = this.old.get(key);
    if (o !== undefined) this.set(key, o);
    return o;
  }
  set(key: string, value: string): void {
    if (this.current.size >= this.size) {
      this.old = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}

/** Reads ENTITY_KEY_VERSION (default 1) and ENTITY_KEY_ACCEPT (older versions still accepted, comma-separated). */
export function entityKeyVersionsFromEnv(env: NodeJS.ProcessEnv): EntityKeyVersions {
  const parse = (name: string, raw: string): number => {
    const v = Number(raw.trim());
    if (!Number.isInteger(v) || v < 1 || v > 9) throw new ConfigError(`${name} takes entity key versions 1 to 9 (got "${raw}").`);
    return v;
  };
  const current = optionalEnv(env, "ENTITY_KEY_VERSION");
  const accepted = optionalEnv(env, "ENTITY_KEY_ACCEPT");
  return {
    current: current ? parse("ENTITY_KEY_VERSION", current) : 1,
    accepted: accepted ? accepted.split(",").map((v) => parse("ENTITY_KEY_ACCEPT", v)) : [],
  };
}
