import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { isSignedIn } from "@/server/page-session";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage() {
  if (await isSignedIn()) redirect("/");
  return <SignInForm />;
}
