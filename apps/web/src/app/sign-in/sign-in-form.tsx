"use client";

import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from "@mantine/core";
import { type FormEvent, useState } from "react";

/** Email and password against the server's better-auth routes; the session cookie does the rest. */
export function SignInForm() {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    try {
      const response = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as {
          message?: string;
          error?: { message?: string };
        } | null;
        setError(
          response.status === 401
            ? "That email and password do not match an account. The local owner's credentials were printed when the platform first started."
            : (body?.message ?? body?.error?.message ?? `sign-in failed (HTTP ${response.status})`),
        );
        return;
      }
      window.location.assign(new URLSearchParams(window.location.search).get("next") ?? "/");
    } catch {
      setError("The server cannot be reached. Is the platform still running?");
    } finally {
      setPending(false);
    }
  };

  return (
    <Center mih="100vh" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={400}>
        <form onSubmit={submit} aria-label="Sign in">
          <Stack>
            <Title order={2}>Deadweight</Title>
            <Text c="dimmed" size="sm">
              Sign in to see your team's pruning experiments.
            </Text>
            {error !== null && (
              <Alert color="red" role="alert" title="Not signed in">
                {error}
              </Alert>
            )}
            <TextInput label="Email" name="email" type="email" autoComplete="username" required autoFocus />
            <PasswordInput label="Password" name="password" autoComplete="current-password" required />
            <Button type="submit" loading={pending}>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
