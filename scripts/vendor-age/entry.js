// The part of typage (npm "age-encryption") the Log a session page uses, as one global:
// window.rmcodeAge.seal(text, recipients) -> armored age message (a Promise of a string).
import { Encrypter, armor } from "age-encryption";

export async function seal(text, recipients) {
  const encrypter = new Encrypter();
  for (const recipient of recipients) {
    encrypter.addRecipient(recipient);
  }
  return armor.encode(await encrypter.encrypt(text));
}
